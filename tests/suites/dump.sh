#!/bin/sh
# gavel dump: data files printed as gavel loads them (the way cfn-guard 3.1.1
# reads them), and every bad input refused with one FILE:LINE:COL line,
# exit 5, nothing on stdout, quickly and in bounded memory.
set -u
: "${GAVEL:?GAVEL must name the gavel binary}"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
pass=0; fail=0
check() { # name, condition result
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "dump FAILED: $1"; fi
}

# ok NAME EXPECTED_STDOUT ARGS...: exit 0, exactly that output, no stderr
ok() {
    name=$1 want=$2; shift 2
    "$GAVEL" dump "$@" > "$t/o" 2> "$t/e"; rc=$?
    got=$(cat "$t/o")
    if [ "$rc" -eq 0 ] && [ "$got" = "$want" ] && [ ! -s "$t/e" ]; then
        check "$name" 0
    else
        check "$name" 1
        printf '  rc=%s\n  got:  %s\n  want: %s\n  stderr: %s\n' "$rc" "$got" "$want" "$(cat "$t/e")"
    fi
}

# bad NAME EXPECTED_STDERR ARGS...: exit 5, that one line on stderr, empty stdout
bad() {
    name=$1 want=$2; shift 2
    "$GAVEL" dump "$@" > "$t/o" 2> "$t/e"; rc=$?
    got=$(cat "$t/e")
    if [ "$rc" -eq 5 ] && [ "$got" = "$want" ] && [ ! -s "$t/o" ] && [ "$(wc -l < "$t/e")" -eq 1 ]; then
        check "$name" 0
    else
        check "$name" 1
        printf '  rc=%s\n  got:  %s\n  want: %s\n  stdout: %.200s\n' "$rc" "$got" "$want" "$(cat "$t/o")"
    fi
}

# ---- what loads, and how ----

cat > "$t/tmpl.yaml" <<'EOF'
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      Name: !Sub "${AWS::StackName}-b"
      Arn: !GetAtt Role.Arn
      Azs: !Select [0, !GetAZs ""]
      Cidr: !Cidr [10.0.0.0/16, 6, 8]
      Port: 017
      Ratio: 1e3
      Flags: [yes, on, True, 0x1F, 0o17, 1_000, .inf, ~, null, NULL, true]
      Empty:
EOF
ok "template, cfn-guard's reading" \
'{"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"Name":{"Fn::Sub":"${AWS::StackName}-b"},"Arn":{"Fn::GetAtt":"Role.Arn"},"Azs":{"Fn::Select":[0,{"Fn::GetAZs":""}]},"Cidr":["10.0.0.0/16",6,8],"Port":17,"Ratio":1000.0,"Flags":["yes","on","True","0x1F","0o17","1_000",".inf",null,null,null,true],"Empty":""}}}}' \
    "$t/tmpl.yaml"
ok "template, --short-forms cfn" \
'{"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"Name":{"Fn::Sub":"${AWS::StackName}-b"},"Arn":{"Fn::GetAtt":["Role","Arn"]},"Azs":{"Fn::Select":[0,{"Fn::GetAZs":""}]},"Cidr":{"Fn::Cidr":["10.0.0.0/16",6,8]},"Port":17,"Ratio":1000.0,"Flags":["yes","on","True","0x1F","0o17","1_000",".inf",null,null,null,true],"Empty":""}}}}' \
    --short-forms cfn "$t/tmpl.yaml"
ok "--short-forms=guard spelling" '{"a":{"Fn::GetAtt":"r.x"}}' --short-forms=guard - <<'EOF'
a: !GetAtt r.x
EOF

printf '{"a": [1, 1.0, -0, 1e2, "x\\u00e9", true, null], "a": {"b": [1, 2,]}, "c": {}}' > "$t/d.json"
ok "json: duplicate key last wins, trailing comma" '{"a":{"b":[1,2]},"c":{}}' "$t/d.json"
printf '{"x": [1, 1.0, -0, 1e2, "\\u00e9", true, null, 9223372036854775808]}' > "$t/n.json"
ok "json numbers keep int and float apart" '{"x":[1,1.0,0,100.0,"é",true,null,9.223372036854776e+18]}' "$t/n.json"

printf 'a: 1\nb:\n  - x\n' > "$t/l.yaml"
ok "--locations (1-based)" \
'{"line":1,"column":1,"value":{"a":{"line":1,"column":4,"value":1},"b":{"line":3,"column":3,"value":[{"line":3,"column":5,"value":"x"}]}}}' \
    --locations "$t/l.yaml"
ok "--pretty" '{
  "a": 1,
  "b": [
    "x"
  ]
}' --pretty "$t/l.yaml"
printf '[1]\n' > "$t/one.json"
ok "several files: one line each, in order" '{"a":1,"b":["x"]}
[1]' "$t/l.yaml" "$t/one.json"
ok "stdin" '{"k":"v"}' - <<'EOF'
k: v
EOF
printf 'a: 1\n---\nb: 2\n' > "$t/docs.yaml"
ok "first document only" '{"a":1}' "$t/docs.yaml"
printf 'a: &x {k: 1}\nb: *x\n' > "$t/alias.yaml"
ok "aliases expand (a gavel extension)" '{"a":{"k":1},"b":{"k":1}}' "$t/alias.yaml"
printf '\357\273\277{"x": 1}' > "$t/bom.json"
ok "BOM is one column" '{"line":1,"column":2,"value":{"x":{"line":1,"column":8,"value":1}}}' --locations "$t/bom.json"

# ---- bad input ----

bad "missing file" "$t/nope.yaml: expected an existing file, found no such file" "$t/nope.yaml"
mkdir "$t/dir"
bad "directory argument" "$t/dir: expected a file, found a directory" "$t/dir"
: > "$t/empty.yaml"
bad "empty file" "$t/empty.yaml:1:1: expected a JSON or YAML document, found an empty file" "$t/empty.yaml"
printf ' \n\t\n' > "$t/blank.yaml"
bad "whitespace only" "$t/blank.yaml:1:1: expected a JSON or YAML document, found only whitespace" "$t/blank.yaml"
printf '# just a comment\n' > "$t/comment.yaml"
bad "comments only" "$t/comment.yaml:1:1: expected a JSON or YAML document, found only comments" "$t/comment.yaml"
printf 'a: 1\nb: "\377"\n' > "$t/utf8.yaml"
bad "invalid UTF-8" "$t/utf8.yaml:2:5: expected UTF-8 text, found byte 0xff" "$t/utf8.yaml"
printf '{"a": [1, 2' > "$t/trunc.json"
bad "truncated JSON" \
    "$t/trunc.json:1:12: expected ',' or ']' (parsing a flow sequence started at 1:7), found end of input" "$t/trunc.json"
printf 'a:\n  b: "open\n' > "$t/trunc.yaml"
bad "truncated YAML" \
    "$t/trunc.yaml:3:1: expected a closing quote (scanning a quoted scalar started at 2:6), found end of input" "$t/trunc.yaml"
printf '\177ELF\002\001\001\000' > "$t/garbage.json"
bad "binary garbage" "$t/garbage.json:1:1: expected printable characters, found control character U+007F" "$t/garbage.json"
printf 'a: b: c\n' > "$t/syntax.yaml"
bad "YAML syntax error" \
    "$t/syntax.yaml:1:5: expected a value without ': ' (a mapping cannot start here), found ':'" "$t/syntax.yaml"
printf 'a:\n\tb: 1\n' > "$t/tab.yaml"
bad "tab indentation" "$t/tab.yaml:2:1: expected a YAML token, found a tab" "$t/tab.yaml"
printf '1: x\n' > "$t/intkey.yaml"
bad "non-string key" "$t/intkey.yaml:1:1: expected a string mapping key, found an integer" "$t/intkey.yaml"
printf '{"a": "\\ud83d\\ude00"}' > "$t/surrogate.json"
bad "surrogate escape" \
    "$t/surrogate.json:1:10: expected an escape of a Unicode scalar value (not a surrogate) (parsing a quoted scalar started at 1:7), found 'd'" \
    "$t/surrogate.json"
printf 'a: !!int 1.5\n' > "$t/badint.yaml"
bad "bad !!int" "$t/badint.yaml:1:4: expected a 64-bit integer for tag !!int, found '1.5'" "$t/badint.yaml"
printf 'a: *nowhere\n' > "$t/undef.yaml"
bad "undefined alias" "$t/undef.yaml:1:4: expected an anchor defined before its alias, found '*nowhere'" "$t/undef.yaml"

bad "good file then bad file: no output at all" \
    "$t/syntax.yaml:1:5: expected a value without ': ' (a mapping cannot start here), found ':'" \
    "$t/l.yaml" "$t/syntax.yaml"

# ---- limits ----

python3 - "$t" <<'EOF'
import sys
t = sys.argv[1]
s = 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
for i in range(1, 10):
    s += 'l%d: &l%d [%s]\n' % (i, i, ', '.join(['*l%d' % (i - 1)] * 9))
open(t + '/laughs.yaml', 'w').write(s)
open(t + '/deep.json', 'w').write('[' * 100000 + ']' * 100000)
open(t + '/deep.yaml', 'w').write('a:\n' + ''.join(' ' * i + 'b:\n' for i in range(1, 700)))
open(t + '/d512.json', 'w').write('[' * 512 + ']' * 512)
EOF
start=$(date +%s%N)
bad "billion laughs" \
    "$t/laughs.yaml:7:10: expected aliases to expand to at most 1000000 nodes (--max-alias-nodes), found more" \
    "$t/laughs.yaml"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 1000 ]; check "billion laughs fails in under a second (${ms}ms)" $?
# a sanitizer build reserves more address space than this: skip it there
if sh -c 'ulimit -v 200000 && "$1" dump "$2"; exit $?' sh "$GAVEL" "$t/one.json" > /dev/null 2>&1; then
    ( ulimit -v 200000; "$GAVEL" dump "$t/laughs.yaml" > /dev/null 2>&1; [ $? -eq 5 ] )
    check "billion laughs fails in under 200 MB" $?
fi
bad "--max-alias-nodes" \
    "$t/alias.yaml:2:4: expected aliases to expand to at most 1 nodes (--max-alias-nodes), found more" \
    --max-alias-nodes 1 "$t/alias.yaml"

bad "deep JSON" "$t/deep.json:1:513: expected at most 512 levels of nesting (--max-depth), found more" "$t/deep.json"
bad "deep YAML" "$t/deep.yaml:513:513: expected at most 512 levels of nesting (--max-depth), found more" "$t/deep.yaml"
"$GAVEL" dump "$t/d512.json" > /dev/null 2>&1; check "512 levels load" $?
bad "--max-depth" "$t/l.yaml:3:3: expected at most 1 levels of nesting (--max-depth), found more" --max-depth 1 "$t/l.yaml"
ok "--max-depth raised" "$(cat "$t/d512.json")" --max-depth 600 "$t/d512.json"

bad "--max-file-size" "$t/tmpl.yaml: expected at most 10 bytes (--max-file-size), found a larger file" \
    --max-file-size 10 "$t/tmpl.yaml"
bad "--max-file-size on stdin" "-: expected at most 3 bytes (--max-file-size), found a larger file" \
    --max-file-size 3 - < "$t/tmpl.yaml"

# ---- command line ----

"$GAVEL" dump > "$t/o" 2> "$t/e"; rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$t/o" ] && grep -q "expected at least one FILE" "$t/e"; check "no FILE exits 2" $?
"$GAVEL" dump --bogus "$t/l.yaml" > "$t/o" 2> "$t/e"; rc=$?
[ "$rc" -eq 2 ] && grep -q "unknown option '--bogus'" "$t/e"; check "unknown option exits 2" $?
"$GAVEL" dump --max-depth 0 "$t/l.yaml" > "$t/o" 2> "$t/e"; rc=$?
[ "$rc" -eq 2 ] && grep -q "invalid value '0' for --max-depth" "$t/e"; check "bad limit value exits 2" $?
"$GAVEL" dump --short-forms aws "$t/l.yaml" > "$t/o" 2> "$t/e"; rc=$?
[ "$rc" -eq 2 ] && grep -q "expected 'guard' or 'cfn'" "$t/e"; check "bad --short-forms exits 2" $?
"$GAVEL" dump --help > "$t/o"; rc=$?
[ "$rc" -eq 0 ] && grep -q "^usage: gavel dump" "$t/o"; check "--help" $?
ok "-- ends the options" '{"a":1,"b":["x"]}' -- "$t/l.yaml"

echo "dump: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
