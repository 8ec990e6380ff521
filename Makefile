# gavel — build, test, check (sanitizers), bench, install, peers.
# Sources are found by wildcard: every engine/src/*/*.c except the CLI goes
# into libgavel.a; engine/src/cli/*.c makes the gavel binary.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS    := libpcre2-8 yaml-0.1 libcjson libxxhash
VERSION := 0.1.0

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

WERROR  := $(if $(CI),-Werror,)
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow -Wno-unused-parameter $(WERROR)
CPPFLAGS += -Iengine/include -Iengine/src $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -lm

BUILD   ?= build
LIB_SRCS := $(filter-out engine/src/cli/%,$(wildcard engine/src/*/*.c))
CLI_SRCS := $(wildcard engine/src/cli/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
TEST_SRCS := $(filter-out tests/unit/main.c,$(wildcard tests/unit/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test check unit conformance bench peers install clean deps

all: $(BUILD)/gavel $(BUILD)/libgavel.a

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libgavel.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/gavel: $(CLI_OBJS) $(BUILD)/libgavel.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libgavel.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/main.c $(BUILD)/libgavel.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CHECK_CFLAGS) $(CFLAGS) -o $@ $< tests/unit/main.c $(BUILD)/libgavel.a $(LDLIBS) $(CHECK_LIBS)

# Unit tests, then the CLI-level suites (bad input, oracle goldens, conformance).
unit: $(TEST_BINS)
	@fail=0; for t in $(TEST_BINS); do \
	  CK_FORK=yes $$t || fail=1; \
	done; exit $$fail

test: all unit
	@BUILD=$(BUILD) sh tests/run-suites.sh

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
check:
	$(MAKE) BUILD=build-san CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" test

# Live comparisons with the oracle (bench/peers, `make peers`): the Control
# Tower corpus re-run under both engines, and the rule pack's unit tests
# under `cfn-guard test`.
conformance: all
	@BUILD=$(BUILD) sh tests/conformance/live.sh
	@sh rules/run-oracle-tests.sh

bench: all
	@BUILD=$(BUILD) sh bench/run.sh

peers:
	cd bench/peers && npm install --no-audit --no-fund

deps:
	sh tools/install-deps.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(BUILD)/gavel $(DESTDIR)$(PREFIX)/bin/gavel
	install -m 644 $(BUILD)/libgavel.a $(DESTDIR)$(PREFIX)/lib/libgavel.a
	install -m 644 engine/include/gavel.h $(DESTDIR)$(PREFIX)/include/gavel.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' -e 's|@PKGS@|$(PKGS)|g' \
	  engine/gavel.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/gavel.pc

clean:
	rm -rf build build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
