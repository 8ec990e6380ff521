#!/usr/bin/env python3
"""difffuzz.py -- grammar-based differential fuzzer: gavel vs cfn-guard 3.1.1.

Each iteration generates one random JSON document (CloudFormation-like shapes
plus arbitrary nesting) and a rules file holding many independent named rules
(`rule r001 { ... }`) over it, using the whole Guard 3 clause language.  Both
engines run `validate -r rules.guard -d data.json`; the per-rule verdicts and
the exit codes are compared.  A run that aborts (exit not 0/19) hides every
verdict of the file, so such runs are bisected down to the aborting rules.

Every disagreement is shrunk (rules and data, both engines re-run on each
candidate, candidates batched many to a run) to a minimal single-rule
reproduction, written to tests/fuzz/findings/NNN/{rules.guard,data.json,
oracle.txt,gavel.txt}; tests/fuzz/findings/SUMMARY.md groups them by apparent
cause.  Python 3 standard library only; deterministic for a given --seed.

  python3 tests/fuzz/difffuzz.py --iterations 20 --seed 1
  python3 tests/fuzz/difffuzz.py --recheck          # drop fixed findings
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
ORACLE = os.path.join(REPO, 'bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard'
                      '/bin/ubuntu/x86_64/cfn-guard')
GAVEL = os.path.join(REPO, os.environ.get('BUILD', 'build'), 'gavel')

IDENT_RE = re.compile(r'^[A-Za-z][A-Za-z0-9_]*$')
MAPKEY_RE = re.compile(r'^[A-Za-z0-9_-]+$')
INT_RE = re.compile(r'^[+-]?[0-9]+$')
# words that mean something to the parser: never used as bare keys
RESERVED = {'this', 'THIS', 'not', 'NOT', 'some', 'SOME', 'keys', 'exists', 'EXISTS',
            'empty', 'EMPTY', 'true', 'True', 'false', 'False', 'null', 'NULL', 'or',
            'OR', 'when', 'WHEN', 'rule', 'let', 'in', 'IN', 'r', 'and', 'AND'}

# ----------------------------------------------------------------------------
# Literals


class Lit:
    """kind: s i f b n re range list map"""
    __slots__ = ('kind', 'v')

    def __init__(self, kind, v=None):
        self.kind = kind
        self.v = v

    def render(self):
        k, v = self.kind, self.v
        if k == 's':
            q = '"' if '"' not in v else "'"
            return q + v + q
        if k == 'i':
            return str(v)
        if k == 'f':
            return fmt_float(v)
        if k == 'b':
            return 'true' if v else 'false'
        if k == 'n':
            return 'null'
        if k == 're':
            return '/' + v.replace('/', '\\/') + '/'
        if k == 'range':
            lb, lo, hi, hb = v
            return 'r%s%s, %s%s' % (lb, lo, hi, hb)
        if k == 'list':
            return '[' + ', '.join(x.render() for x in v) + ']'
        if k == 'map':
            parts = []
            for key, x in v:
                kk = key if MAPKEY_RE.match(key) else '"%s"' % key
                parts.append('%s: %s' % (kk, x.render()))
            return '{' + ', '.join(parts) + '}'
        raise ValueError(k)

    def shrinks(self):
        k, v = self.kind, self.v
        if k == 'list':
            for i in range(len(v)):
                yield Lit('list', v[:i] + v[i + 1:])
            for x in v:
                yield x
            for i, x in enumerate(v):
                for y in x.shrinks():
                    yield Lit('list', v[:i] + [y] + v[i + 1:])
        elif k == 'map':
            for i in range(len(v)):
                yield Lit('map', v[:i] + v[i + 1:])
            for i, (key, x) in enumerate(v):
                for y in x.shrinks():
                    yield Lit('map', v[:i] + [(key, y)] + v[i + 1:])
        elif k == 's' and len(v) > 1:
            yield Lit('s', v[:1])
        elif k == 're' and len(v) > 1:
            # drop anchors/flags
            for pre in ('(?i)', '^', '\\A'):
                if v.startswith(pre):
                    yield Lit('re', v[len(pre):])
            for suf in ('$', '\\z'):
                if v.endswith(suf) and len(v) > len(suf):
                    yield Lit('re', v[:-len(suf)])

    def feats(self, out):
        out.add('lit:' + self.kind)
        if self.kind == 'list':
            for x in self.v:
                if x.kind in ('list', 'map', 're'):
                    out.add('lit:list-of-' + x.kind)


def fmt_float(f):
    s = repr(float(f))
    if 'e' in s or 'inf' in s or 'nan' in s:
        s = '%.6f' % f
    if '.' not in s:
        s += '.0'
    return s


def lit_of(v):
    """Literal spelling of a data value (None if unrepresentable)."""
    if isinstance(v, bool):
        return Lit('b', v)
    if v is None:
        return Lit('n')
    if isinstance(v, int):
        return Lit('i', v)
    if isinstance(v, float):
        if v < 0 or v != v or v in (float('inf'),):
            return None
        return Lit('f', v)
    if isinstance(v, str):
        if ('"' in v and "'" in v) or '\\' in v:
            return None
        return Lit('s', v)
    if isinstance(v, list):
        xs = [lit_of(x) for x in v]
        return None if any(x is None for x in xs) else Lit('list', xs)
    if isinstance(v, dict):
        xs = []
        for key, x in v.items():
            lx = lit_of(x)
            if lx is None or '"' in key:
                return None
            xs.append((key, lx))
        return Lit('map', xs)
    return None


# ----------------------------------------------------------------------------
# Queries


class Q:
    """start: ('root',) ('this',) ('var', name).  steps:
    ('key', name, style) ('star',) ('all',) ('idx', n, style)
    ('filter', Body) ('keys', op, Lit|('var',name)) ('varkey', name)"""
    __slots__ = ('start', 'steps')

    def __init__(self, start, steps):
        self.start = start
        self.steps = steps

    def render(self, ren, ind):
        out = []
        if self.start[0] == 'this' or (self.start[0] == 'root' and self.steps and self.steps[0][0] != 'key'):
            # a query cannot start with `*`, `[` or a variable step
            out.append('this')
        elif self.start[0] == 'var':
            out.append('%' + ren.get(self.start[1], self.start[1]))
        for i, st in enumerate(self.steps):
            first = (not out)
            t = st[0]
            if t == 'key':
                name, style = st[1], st[2]
                if IDENT_RE.match(name) and name not in RESERVED and style == 'plain':
                    out.append(name if first else '.' + name)
                elif first:
                    # a leading quoted key would read as a string literal on
                    # the right of an operator
                    q = "'" if (style == 'sq' or '"' in name) and "'" not in name else '"'
                    out.append('this.' + q + name + q)
                elif style == 'bracket' and not first:
                    out.append('["%s"]' % name if '"' not in name else "['%s']" % name)
                else:
                    q = "'" if (style == 'sq' or '"' in name) and "'" not in name else '"'
                    out.append((q + name + q) if first else '.' + q + name + q)
            elif t == 'star':
                out.append('*' if first else '.*')
            elif t == 'all':
                out.append('[*]')
            elif t == 'idx':
                n, style = st[1], st[2]
                if style == 'dot' and n >= 0 and not first:
                    out.append('.%d' % n)
                else:
                    out.append('[%d]' % n)
            elif t == 'filter':
                body = st[1]
                if body.oneline():
                    out.append('[ ' + body.render(ren, 0).strip() + ' ]')
                else:
                    out.append('[\n' + body.render(ren, ind + 4) + '\n' + ' ' * (ind + 2) + ']')
            elif t == 'keys':
                op, val = st[1], st[2]
                vs = val.render() if isinstance(val, Lit) else '%' + ren.get(val[1], val[1])
                out.append('[ keys %s %s ]' % (op, vs))
            elif t == 'varkey':
                out.append(('%' if first else '.%') + ren.get(st[1], st[1]))
        s = ''.join(out)
        return s

    def vars(self, out):
        if self.start[0] == 'var':
            out.add(self.start[1])
        for st in self.steps:
            if st[0] == 'filter':
                st[1].vars(out)
            elif st[0] == 'keys' and not isinstance(st[2], Lit):
                out.add(st[2][1])
            elif st[0] == 'varkey':
                out.add(st[1])

    def refs(self, out):
        for st in self.steps:
            if st[0] == 'filter':
                st[1].refs(out)

    def valid(self):
        if self.start[0] != 'var' and self.steps and self.steps[0][0] == 'filter':
            return False      # this[ filter ] panics cfn-guard
        for a, b in zip(self.steps, self.steps[1:]):
            if a[0] in ('keys', 'filter') and b[0] == 'filter':
                return False  # so does a filter right after a (keys) filter
        return bool(self.steps) or self.start[0] != 'root'

    def shrinks(self):
        n = len(self.steps)
        for i in range(n - 1, -1, -1):
            q = Q(self.start, self.steps[:i] + self.steps[i + 1:])
            if q.valid():
                yield q
        if self.start[0] == 'this' and self.steps:
            yield Q(('root',), self.steps)
        for i, st in enumerate(self.steps):
            if st[0] == 'filter':
                yield Q(self.start, self.steps[:i] + [('all',)] + self.steps[i + 1:])
                for b in st[1].shrinks(need_clause=True):
                    yield Q(self.start, self.steps[:i] + [('filter', b)] + self.steps[i + 1:])
            elif st[0] == 'keys':
                yield Q(self.start, self.steps[:i] + [('all',)] + self.steps[i + 1:])
                if isinstance(st[2], Lit):
                    for v in st[2].shrinks():
                        yield Q(self.start, self.steps[:i] + [('keys', st[1], v)] + self.steps[i + 1:])
            elif st[0] == 'key' and st[2] != 'plain' and IDENT_RE.match(st[1]) and st[1] not in RESERVED:
                yield Q(self.start, self.steps[:i] + [('key', st[1], 'plain')] + self.steps[i + 1:])
            elif st[0] == 'idx' and st[1] != 0:
                yield Q(self.start, self.steps[:i] + [('idx', abs(st[1]) if st[1] < 0 else 0, 'br')] + self.steps[i + 1:])
            elif st[0] == 'star':
                yield Q(self.start, self.steps[:i] + [('all',)] + self.steps[i + 1:])

    def feats(self, out):
        if self.start[0] == 'this':
            out.add('q:this')
        if self.start[0] == 'var':
            out.add('q:var')
        for i, st in enumerate(self.steps):
            t = st[0]
            if t == 'key':
                if st[2] != 'plain' or not IDENT_RE.match(st[1]):
                    out.add('q:quoted-key')
                if INT_RE.match(st[1]):
                    out.add('q:int-key')
            elif t == 'star':
                out.add('q:.*')
            elif t == 'all':
                out.add('q:[*]')
            elif t == 'idx':
                out.add('q:index' + ('-neg' if st[1] < 0 else ''))
            elif t == 'filter':
                out.add('q:filter')
                st[1].feats(out)
            elif t == 'keys':
                out.add('q:keys-filter ' + st[1])
            elif t == 'varkey':
                out.add('q:var-as-key')


# ----------------------------------------------------------------------------
# Clauses and bodies


class Func:
    __slots__ = ('name', 'args')

    def __init__(self, name, args):
        self.name = name
        self.args = args

    def render(self, ren, ind):
        return '%s(%s)' % (self.name, ', '.join(render_val(a, ren, ind) for a in self.args))

    def shrinks(self):
        for i, a in enumerate(self.args):
            for b in val_shrinks(a):
                yield Func(self.name, self.args[:i] + [b] + self.args[i + 1:])

    def feats(self, out):
        out.add('fn:' + self.name)
        for a in self.args:
            val_feats(a, out)


def render_val(v, ren, ind):
    if isinstance(v, Lit):
        return v.render()
    return v.render(ren, ind)


def val_shrinks(v):
    if isinstance(v, Lit):
        return v.shrinks()
    if isinstance(v, Q):
        return v.shrinks()
    return v.shrinks()


def val_feats(v, out):
    if isinstance(v, Lit):
        v.feats(out)
    else:
        v.feats(out)


def val_vars(v, out):
    if isinstance(v, Q):
        v.vars(out)
    elif isinstance(v, Func):
        for a in v.args:
            val_vars(a, out)


class Unary:
    __slots__ = ('q', 'op', 'opnot', 'pre', 'some')

    def __init__(self, q, op, opnot='', pre='', some=False):
        self.q, self.op, self.opnot, self.pre, self.some = q, op, opnot, pre, some

    def render(self, ren, ind):
        opn = {'': '', 'not': 'not ', 'NOT': 'NOT ', '!': '!'}[self.opnot]
        return '%s%s%s %s%s' % (self.pre, 'some ' if self.some else '',
                                self.q.render(ren, ind), opn, self.op)

    def shrinks(self):
        if self.pre:
            yield Unary(self.q, self.op, self.opnot, '', self.some)
        if self.some:
            yield Unary(self.q, self.op, self.opnot, self.pre, False)
        if self.opnot:
            yield Unary(self.q, self.op, '', self.pre, self.some)
        if self.op != 'exists':
            yield Unary(self.q, 'exists', self.opnot, self.pre, self.some)
        for q in self.q.shrinks():
            yield Unary(q, self.op, self.opnot, self.pre, self.some)

    def feats(self, out):
        out.add('unary:' + ('not ' if self.opnot else '') + self.op)
        if self.pre:
            out.add('prefix-not(unary)')
        if self.some:
            out.add('some')
        self.q.feats(out)

    def vars(self, out):
        self.q.vars(out)

    def refs(self, out):
        self.q.refs(out)

    def oneline(self):
        return self.q.oneline_ok()


class Binary:
    __slots__ = ('q', 'op', 'rhs', 'pre', 'some')

    def __init__(self, q, op, rhs, pre='', some=False):
        self.q, self.op, self.rhs, self.pre, self.some = q, op, rhs, pre, some

    def render(self, ren, ind):
        return '%s%s%s %s %s' % (self.pre, 'some ' if self.some else '', self.q.render(ren, ind),
                                 self.op, render_val(self.rhs, ren, ind))

    def shrinks(self):
        if self.pre:
            yield Binary(self.q, self.op, self.rhs, '', self.some)
        if self.some:
            yield Binary(self.q, self.op, self.rhs, self.pre, False)
        for q in self.q.shrinks():
            yield Binary(q, self.op, self.rhs, self.pre, self.some)
        for r in val_shrinks(self.rhs):
            yield Binary(self.q, self.op, r, self.pre, self.some)
        if not isinstance(self.rhs, Lit) or self.rhs.kind not in ('i', 's'):
            yield Binary(self.q, self.op, Lit('i', 1), self.pre, self.some)

    def feats(self, out):
        op = self.op.upper().replace('!IN', 'NOT IN')
        r = self.rhs
        if isinstance(r, Lit):
            rk = 'lit-' + r.kind
        elif isinstance(r, Q):
            rk = 'var' if (r.start[0] == 'var' and not r.steps) else 'query'
        else:
            rk = 'fn'
        out.add('binary:%s rhs=%s' % (op, rk))
        if self.pre:
            out.add('prefix-not(binary)')
        if self.some:
            out.add('some')
        self.q.feats(out)
        val_feats(r, out)

    def vars(self, out):
        self.q.vars(out)
        val_vars(self.rhs, out)

    def refs(self, out):
        self.q.refs(out)
        if isinstance(self.rhs, Q):
            self.rhs.refs(out)


class Block:
    __slots__ = ('q', 'body', 'some')

    def __init__(self, q, body, some=False):
        self.q, self.body, self.some = q, body, some

    def render(self, ren, ind):
        return '%s%s {\n%s\n%s}' % ('some ' if self.some else '', self.q.render(ren, ind),
                                    self.body.render(ren, ind + 2), ' ' * ind)

    def shrinks(self):
        if self.some:
            yield Block(self.q, self.body, False)
        for q in self.q.shrinks():
            yield Block(q, self.body, self.some)
        for b in self.body.shrinks(need_clause=True):
            yield Block(self.q, b, self.some)

    def feats(self, out):
        out.add('block' + (' some' if self.some else ''))
        self.q.feats(out)
        self.body.feats(out)

    def vars(self, out):
        self.q.vars(out)
        self.body.vars(out)

    def refs(self, out):
        self.q.refs(out)
        self.body.refs(out)


class When:
    __slots__ = ('conds', 'body')

    def __init__(self, conds, body):
        self.conds, self.body = conds, body

    def render(self, ren, ind):
        c = self.conds.render(ren, ind + 4).lstrip()
        return 'when %s {\n%s\n%s}' % (c, self.body.render(ren, ind + 2), ' ' * ind)

    def shrinks(self):
        for c in self.conds.shrinks(need_clause=True):
            yield When(c, self.body)
        for b in self.body.shrinks(need_clause=True):
            yield When(self.conds, b)

    def feats(self, out):
        out.add('when-block')
        self.conds.feats(out)
        self.body.feats(out)

    def vars(self, out):
        self.conds.vars(out)
        self.body.vars(out)

    def refs(self, out):
        self.conds.refs(out)
        self.body.refs(out)


class TypeBlock:
    __slots__ = ('typ', 'conds', 'body')

    def __init__(self, typ, conds, body):
        self.typ, self.conds, self.body = typ, conds, body

    def render(self, ren, ind):
        w = ''
        if self.conds is not None:
            w = ' when ' + self.conds.render(ren, ind + 4).lstrip()
        return '%s%s {\n%s\n%s}' % (self.typ, w, self.body.render(ren, ind + 2), ' ' * ind)

    def shrinks(self):
        if self.conds is not None:
            yield TypeBlock(self.typ, None, self.body)
            for c in self.conds.shrinks(need_clause=True):
                yield TypeBlock(self.typ, c, self.body)
        for b in self.body.shrinks(need_clause=True):
            yield TypeBlock(self.typ, self.conds, b)

    def feats(self, out):
        out.add('type-block')
        if self.conds is not None:
            out.add('type-block-when')
            self.conds.feats(out)
        self.body.feats(out)

    def vars(self, out):
        if self.conds is not None:
            self.conds.vars(out)
        self.body.vars(out)

    def refs(self, out):
        if self.conds is not None:
            self.conds.refs(out)
        self.body.refs(out)


class Ref:
    __slots__ = ('name', 'pre')

    def __init__(self, name, pre=''):
        self.name, self.pre = name, pre

    def render(self, ren, ind):
        return self.pre + ren.get(self.name, self.name)

    def shrinks(self):
        if self.pre:
            yield Ref(self.name, '')

    def feats(self, out):
        out.add('rule-ref' + (' not' if self.pre else ''))

    def vars(self, out):
        pass

    def refs(self, out):
        out.add(self.name)


class Call:
    __slots__ = ('name', 'args', 'pre')

    def __init__(self, name, args, pre=''):
        self.name, self.args, self.pre = name, args, pre

    def render(self, ren, ind):
        return '%s%s(%s)' % (self.pre, ren.get(self.name, self.name),
                             ', '.join(render_val(a, ren, ind) for a in self.args))

    def shrinks(self):
        if self.pre:
            yield Call(self.name, self.args, '')
        for i, a in enumerate(self.args):
            for b in val_shrinks(a):
                yield Call(self.name, self.args[:i] + [b] + self.args[i + 1:], self.pre)

    def feats(self, out):
        out.add('call' + (' not' if self.pre else ''))
        for a in self.args:
            val_feats(a, out)

    def vars(self, out):
        for a in self.args:
            val_vars(a, out)

    def refs(self, out):
        out.add(self.name)
        for a in self.args:
            if isinstance(a, Q):
                a.refs(out)


class Let:
    __slots__ = ('name', 'val')

    def __init__(self, name, val):
        self.name, self.val = name, val

    def render(self, ren, ind):
        return 'let %s = %s' % (ren.get(self.name, self.name), render_val(self.val, ren, ind))

    def shrinks(self):
        for v in val_shrinks(self.val):
            yield Let(self.name, v)

    def feats(self, out):
        if isinstance(self.val, Func):
            out.add('let=fn')
        elif isinstance(self.val, Lit):
            out.add('let=literal')
        else:
            out.add('let=query')
        val_feats(self.val, out)


class Body:
    """items: Let or list-of-clauses (a disjunction)."""
    __slots__ = ('items',)

    def __init__(self, items):
        self.items = items

    def oneline(self):
        if len(self.items) != 1 or isinstance(self.items[0], Let):
            return False
        d = self.items[0]
        return len(d) == 1 and isinstance(d[0], (Unary, Binary)) and \
            '\n' not in d[0].render({}, 0)

    def render(self, ren, ind):
        lines = []
        sp = ' ' * ind
        for it in self.items:
            if isinstance(it, Let):
                lines.append(sp + it.render(ren, ind))
            else:
                for j, c in enumerate(it):
                    lines.append(sp + ('or ' if j else '') + c.render(ren, ind))
        return '\n'.join(lines)

    def clauses(self):
        for it in self.items:
            if not isinstance(it, Let):
                for c in it:
                    yield c

    def has_clause(self):
        return any(not isinstance(it, Let) for it in self.items)

    def vars(self, out):
        for it in self.items:
            if isinstance(it, Let):
                val_vars(it.val, out)
            else:
                for c in it:
                    c.vars(out)

    def refs(self, out):
        for it in self.items:
            if isinstance(it, Let):
                if isinstance(it.val, Q):
                    it.val.refs(out)
            else:
                for c in it:
                    c.refs(out)

    def feats(self, out):
        for it in self.items:
            if isinstance(it, Let):
                it.feats(out)
            else:
                if len(it) > 1:
                    out.add('or')
                for c in it:
                    c.feats(out)

    def _ok(self, items):
        b = Body(items)
        if not b.has_clause():
            return None
        # do not drop a let that is still used
        used = set()
        b.vars(used)
        defined_here = {it.name for it in self.items if isinstance(it, Let)}
        kept = {it.name for it in items if isinstance(it, Let)}
        if (defined_here - kept) & used:
            return None
        return b

    def shrinks(self, need_clause=True):
        its = self.items
        n = len(its)
        # drop whole items
        for i in range(n):
            b = self._ok(its[:i] + its[i + 1:])
            if b is not None:
                yield b
        # splice when-block bodies / keep single alternatives
        for i, it in enumerate(its):
            if isinstance(it, Let):
                for l2 in it.shrinks():
                    yield Body(its[:i] + [l2] + its[i + 1:])
                continue
            if len(it) > 1:
                for j in range(len(it)):
                    yield Body(its[:i] + [it[:j] + it[j + 1:]] + its[i + 1:])
            if len(it) == 1 and isinstance(it[0], When):
                b = self._ok(its[:i] + it[0].body.items + its[i + 1:])
                if b is not None:
                    yield b
            for j, c in enumerate(it):
                for c2 in c.shrinks():
                    yield Body(its[:i] + [it[:j] + [c2] + it[j + 1:]] + its[i + 1:])


class Rule:
    __slots__ = ('name', 'params', 'conds', 'body')

    def __init__(self, name, body, conds=None, params=None):
        self.name, self.body, self.conds, self.params = name, body, conds, params

    def render(self, ren):
        nm = ren.get(self.name, self.name)
        if self.params is not None:
            head = 'rule %s(%s)' % (nm, ', '.join(self.params))
        else:
            head = 'rule ' + nm
        if self.conds is not None:
            head += ' when ' + self.conds.render(ren, 4).lstrip()
        return '%s {\n%s\n}\n' % (head, self.body.render(ren, 2))

    def shrinks(self):
        if self.conds is not None:
            yield Rule(self.name, self.body, None, self.params)
            for c in self.conds.shrinks(need_clause=True):
                yield Rule(self.name, self.body, c, self.params)
        for b in self.body.shrinks(need_clause=True):
            yield Rule(self.name, b, self.conds, self.params)

    def vars(self, out):
        self.body.vars(out)
        if self.conds is not None:
            self.conds.vars(out)

    def refs(self, out):
        self.body.refs(out)
        if self.conds is not None:
            self.conds.refs(out)

    def feats(self, out):
        if self.conds is not None:
            out.add('rule-when')
            self.conds.feats(out)
        if self.params is not None:
            out.add('param-rule')
        self.body.feats(out)


def _q_oneline_ok(self):
    return True


Q.oneline_ok = _q_oneline_ok


# ----------------------------------------------------------------------------
# Programs: one target rule plus what it needs (file lets, helpers, param rules)


class Program:
    def __init__(self, target, lets, helpers, params):
        self.target = target          # Rule
        self.lets = lets              # name -> Let (file level)
        self.helpers = helpers        # name -> Rule
        self.params = params          # name -> Rule (parameterised)

    def closure(self):
        """Names (lets, helpers, params) reachable from the target."""
        need_r, need_v = set(), set()
        todo = [self.target]
        seen = set()
        while todo:
            r = todo.pop()
            if id(r) in seen:
                continue
            seen.add(id(r))
            rs, vs = set(), set()
            if isinstance(r, Rule):
                r.refs(rs)
                r.vars(vs)
            else:  # Let
                val_vars(r.val, vs)
                if isinstance(r.val, Q):
                    r.val.refs(rs)
            for n in rs:
                if n in self.helpers and n not in need_r:
                    need_r.add(n)
                    todo.append(self.helpers[n])
                if n in self.params and n not in need_r:
                    need_r.add(n)
                    todo.append(self.params[n])
            for n in vs:
                if n in self.lets and n not in need_v:
                    need_v.add(n)
                    todo.append(self.lets[n])
        return need_r, need_v

    def trimmed(self):
        need_r, need_v = self.closure()
        return Program(self.target, {k: v for k, v in self.lets.items() if k in need_v},
                       {k: v for k, v in self.helpers.items() if k in need_r},
                       {k: v for k, v in self.params.items() if k in need_r})

    def render(self, prefix='', target_name=None):
        ren = {}
        if prefix:
            for n in list(self.lets) + list(self.helpers) + list(self.params):
                ren[n] = prefix + n
        tn = target_name or (prefix + 'r' if prefix else self.target.name)
        ren[self.target.name] = tn
        parts = []
        for n in sorted(self.lets):
            parts.append(self.lets[n].render(ren, 0) + '\n')
        for n in sorted(self.params):
            parts.append(self.params[n].render(ren))
        for n in sorted(self.helpers):
            parts.append(self.helpers[n].render(ren))
        parts.append(self.target.render(ren))
        return ''.join(parts)

    def reported_names(self, prefix=''):
        tn = prefix + 'r' if prefix else self.target.name
        return [tn] + [prefix + n for n in sorted(self.helpers)]

    def shrinks(self):
        for t in self.target.shrinks():
            yield Program(t, self.lets, self.helpers, self.params).trimmed()
        for n, h in self.helpers.items():
            for h2 in h.shrinks():
                hs = dict(self.helpers)
                hs[n] = h2
                yield Program(self.target, self.lets, hs, self.params).trimmed()
        for n, p in self.params.items():
            for p2 in p.shrinks():
                ps = dict(self.params)
                ps[n] = p2
                yield Program(self.target, self.lets, self.helpers, ps).trimmed()
        for n, l in self.lets.items():
            for l2 in l.shrinks():
                ls = dict(self.lets)
                ls[n] = l2
                yield Program(self.target, ls, self.helpers, self.params).trimmed()

    def feats(self):
        out = set()
        self.target.feats(out)
        for h in self.helpers.values():
            h.feats(out)
        for p in self.params.values():
            p.feats(out)
        for l in self.lets.values():
            l.feats(out)
        return out


# ----------------------------------------------------------------------------
# Approximate (superset) evaluation, used only to steer generation


def sup_eval(q, ctx, env):
    """Returns (values, maybe_unresolved) or None when unknown."""
    if q.start[0] == 'var':
        e = env.get(q.start[1])
        if e is None or e[0] is None:
            return None
        cur, unres = list(e[0]), e[1]
    else:
        if ctx is UNKNOWN:
            return None
        cur, unres = [ctx], False
    for st in q.steps:
        nxt = []
        t = st[0]
        for v in cur:
            if t == 'key':
                k = st[1]
                if INT_RE.match(k) and st[2] != 'plain':
                    if isinstance(v, list) and abs(int(k)) < len(v):
                        nxt.append(v[abs(int(k))])
                    else:
                        unres = True
                elif isinstance(v, dict) and k in v:
                    nxt.append(v[k])
                else:
                    unres = True
            elif t in ('star', 'all', 'filter', 'keys'):
                if isinstance(v, dict):
                    if t == 'all':
                        nxt.append(v)
                    elif v:
                        nxt.extend(v.values())
                    elif t == 'star':
                        unres = True
                elif isinstance(v, list):
                    if v:
                        nxt.extend(v)
                    elif t in ('star', 'all'):
                        unres = True
                elif t in ('star', 'all'):
                    nxt.append(v)
                else:
                    unres = True
            elif t == 'idx':
                if isinstance(v, list) and abs(st[1]) < len(v):
                    nxt.append(v[abs(st[1])])
                else:
                    unres = True
            elif t == 'varkey':
                return None
        cur = nxt
    return cur, unres


class _Unknown:
    pass


UNKNOWN = _Unknown()


LITERAL_KINDS = ('lit', 'keylit', 'strlist', 'litfn')


def rx1(k):
    c = k[:1]
    return c if c.isalnum() else '.'


def is_num_or_null(v):
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))


# ----------------------------------------------------------------------------
# Data generation

STRINGS = ['', 'abc', 'ABC', 'Abc', 'a b', 'true', 'True', '1', '42', '-3', '007', '1.5',
           'x,y', 'AWS::S3::Bucket', 'arn:aws:s3:::bucket', 'a%20b%2Fc', '{"a": [1, 2]}',
           '[1, 2]', 'T1', 'hello world', 'é', 'ß', 'a.b', 'prod', 'dev', 'null', 'FALSE', 'b']
INTS = [0, 1, 2, 3, -1, 42, 100, -7, 9007199254740993]
FLOATS = [0.5, 1.5, 2.0, -2.5, 100.25, 0.0, 1.0]
KEYS = ['a', 'b', 'c', 'x', 'y', 'Name', 'Tags', 'Key', 'Value', 'Enabled', 'Size', 'Items',
        'Ref', 'Fn::GetAtt', 'a-b', 'sp ace', '0', 'k', 'm', 'l', 's', 'n', 'Id', 'Type']
RES_NAMES = ['A', 'B', 'Bucket1', 'Queue', 'Role']
TYPES = ['AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::IAM::Role', 'T1', 'Custom::X']
MISSING_KEYS = ['zz', 'Missing', 'nope']
REGEXES = ['^a', 'b', '(?i)abc', '^$', '\\d+', '^AWS::', '::', '\\A\\s*\\z', 'c$', '^[a-z]+$',
           '^[0-9]+$', '.', 'ä|é', 'S3', '^T1$', '(?m)^b', 'a|z', '\\w+\\s\\w+']


class DataGen:
    def __init__(self, rng):
        self.rng = rng

    def scalar(self):
        r = self.rng.random()
        if r < 0.45:
            return self.rng.choice(STRINGS)
        if r < 0.7:
            return self.rng.choice(INTS)
        if r < 0.8:
            return self.rng.choice(FLOATS)
        if r < 0.92:
            return self.rng.random() < 0.5
        return None

    def value(self, depth):
        rng = self.rng
        r = rng.random()
        if depth <= 0 or r < 0.5:
            return self.scalar()
        r = rng.random()
        if r < 0.3:
            return [self.value(depth - 1) for _ in range(rng.choice([0, 1, 2, 2, 3, 4]))]
        if r < 0.6:
            return self.map(depth - 1)
        if r < 0.72:
            return [{'Key': rng.choice(['env', 'team', 'Name']),
                     'Value': rng.choice(['prod', 'dev', 'abc', '', 1])}
                    for _ in range(rng.choice([0, 1, 2, 3]))]
        if r < 0.82:
            return {'Ref': rng.choice(RES_NAMES)}
        if r < 0.9:
            return {'Fn::GetAtt': [rng.choice(RES_NAMES), 'Arn']}
        if r < 0.95:
            return {'Fn::Sub': 'x-${A}'}
        return {}

    def map(self, depth):
        n = self.rng.choice([0, 1, 2, 3, 3, 4])
        return {self.rng.choice(KEYS): self.value(depth) for _ in range(n)}

    def doc(self):
        rng = self.rng
        d = {}
        if rng.random() < 0.9:
            res = {}
            for name in rng.sample(RES_NAMES, rng.choice([1, 2, 3, 3, 4])):
                r = {}
                if rng.random() < 0.92:
                    r['Type'] = rng.choice(TYPES)
                if rng.random() < 0.9:
                    r['Properties'] = self.map(3)
                if rng.random() < 0.1:
                    r['DependsOn'] = rng.choice(RES_NAMES)
                res[name] = r
            d['Resources'] = res
        for _ in range(rng.choice([0, 1, 2, 3])):
            d[rng.choice(KEYS)] = self.value(3)
        if rng.random() < 0.3:
            d['Parameters'] = {'Env': {'Type': 'String', 'Default': rng.choice(['prod', 'dev'])}}
        return d


# ----------------------------------------------------------------------------
# Rule generation

UNARY_OPS = ['exists', 'exists', 'exists', 'empty', 'empty', 'is_string', 'is_list',
             'is_struct', 'is_bool', 'is_int', 'is_float', 'is_null']
FUNCS_SAFE = ['count', 'to_upper', 'to_lower', 'join', 'substring', 'regex_replace',
              'json_parse', 'parse_int', 'parse_string', 'parse_boolean', 'url_decode',
              'parse_float']


class RuleGen:
    def __init__(self, rng, doc, risky=False):
        self.rng = rng
        self.doc = doc
        self.risky = risky
        self.nlet = 0
        self.whens = 0
        self.helpers = {}
        self.params = {}
        self.lets = {}
        self.genv = {}     # file-level env: name -> (sup, unres, kind)

    def chance(self, p):
        return self.rng.random() < p

    # -- queries ------------------------------------------------------------
    def gen_query(self, ctx, env, depth, allow_this=True, start=None):
        rng = self.rng
        steps = []
        if start is None:
            r = rng.random()
            if env and r < 0.15:
                start = ('var', rng.choice(sorted(env)))
            elif allow_this and r < 0.25:
                start = ('this',)
            else:
                start = ('root',)
        if start[0] == 'var':
            e = env.get(start[1])
            cur = e[0] if e else None
            cur = cur[0] if cur else (UNKNOWN if cur is None else None)
        else:
            cur = ctx
        want = rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5])
        if start[0] == 'root' and want == 0:
            want = 1
        for i in range(want):
            st, cur2 = self.gen_step(cur, env, depth)
            if i == 0 and start[0] != 'var' and st[0] == 'filter':
                if isinstance(cur, dict) and cur:
                    k = rng.choice(sorted(cur))
                    st, cur2 = self.key_step(k), cur[k]
                else:
                    st, cur2 = self.key_step(rng.choice(KEYS)), None
            if steps and steps[-1][0] in ('keys', 'filter') and st[0] == 'filter' and not self.risky:
                st = ('all',)     # cfn-guard panics on a filter right after a filter
            if steps and steps[-1][0] == 'varkey' and st[0] != 'key' and not self.risky:
                break             # cfn-guard: interpolation followed by that is unsupported (exit 255)
            cur = cur2
            steps.append(st)
        q = Q(start, steps)
        if not q.valid():
            q = Q(('this',), [])
        return q

    def gen_step(self, cur, env, depth):
        rng = self.rng
        r = rng.random()
        if isinstance(cur, dict) and cur:
            if r < 0.62:
                k = rng.choice(sorted(cur))
                return self.key_step(k), cur[k]
            if r < 0.67:
                return self.key_step(rng.choice(MISSING_KEYS)), None
            if r < 0.77:
                v = rng.choice(list(cur.values()))
                return ('star',), v
            if r < 0.82:
                return ('all',), cur
            if r < 0.92 and depth > 0:
                v = rng.choice(list(cur.values()))
                return ('filter', self.gen_filter_body(v, env, depth - 1)), v
            if r < 0.97:
                return self.keys_step(cur, env), rng.choice(list(cur.values()))
            strs = [n for n, e in env.items() if e[2] == 'keylit']
            if strs:
                n = rng.choice(strs)
                return ('varkey', n), None
            return self.key_step(rng.choice(sorted(cur))), None
        if isinstance(cur, list) and cur:
            if r < 0.3:
                i = rng.randrange(len(cur))
                if self.chance(0.2):
                    return ('idx', -i, 'br'), cur[i] if i < len(cur) else None
                return ('idx', i, 'dot' if self.chance(0.2) else 'br'), cur[i]
            if r < 0.35:
                return ('idx', len(cur) + rng.choice([0, 3]), 'br'), None
            if r < 0.6:
                return ('all',), rng.choice(cur)
            if r < 0.72:
                return ('star',), rng.choice(cur)
            if r < 0.92 and depth > 0:
                v = rng.choice(cur)
                return ('filter', self.gen_filter_body(v, env, depth - 1)), v
            return self.key_step(rng.choice(KEYS)), None
        # scalar, empty container, unknown or missing
        if r < 0.45:
            return self.key_step(rng.choice(KEYS + MISSING_KEYS)), UNKNOWN if cur is UNKNOWN else None
        if r < 0.6:
            return ('all',), cur
        if r < 0.7:
            return ('star',), cur
        if r < 0.8:
            return ('idx', rng.choice([0, 1, -1]), 'br'), UNKNOWN if cur is UNKNOWN else None
        if depth > 0 and r < 0.9:
            return ('filter', self.gen_filter_body(UNKNOWN if cur is UNKNOWN else {}, env, depth - 1)), None
        return self.key_step(rng.choice(KEYS)), UNKNOWN if cur is UNKNOWN else None

    def key_step(self, k):
        rng = self.rng
        if IDENT_RE.match(k) and k not in RESERVED:
            style = rng.choice(['plain'] * 8 + ['dq', 'sq', 'bracket'])
        else:
            style = rng.choice(['dq', 'sq', 'bracket'])
        return ('key', k, style)

    def keys_step(self, cur, env):
        rng = self.rng
        ks = sorted(cur)
        r = rng.random()
        op = rng.choice(['==', '==', '!=', 'IN', 'NOT IN'])
        if op in ('IN', 'NOT IN'):
            pick = rng.sample(ks, min(len(ks), rng.choice([1, 2]))) + \
                ([rng.choice(MISSING_KEYS)] if self.chance(0.3) else [])
            items = [Lit('s', k) if self.chance(0.8) else Lit('re', '^' + rx1(k)) for k in pick]
            return ('keys', op, Lit('list', items))
        if r < 0.5:
            return ('keys', op, Lit('s', rng.choice(ks + MISSING_KEYS[:1])))
        if r < 0.9:
            return ('keys', op, Lit('re', rng.choice(['^' + rx1(rng.choice(ks)), '^[A-Z]', 'a', '::', '^[a-z]$'])))
        strs = [n for n, e in env.items() if e[2] in ('keylit', 'strlist')]
        if strs:
            return ('keys', op, ('var', rng.choice(strs)))
        return ('keys', op, Lit('s', rng.choice(ks)))

    def gen_filter_body(self, cand, env, depth):
        items = []
        n = 1 if self.chance(0.8) else 2
        for _ in range(n):
            if self.chance(0.15):
                items.append([self.gen_simple_clause(cand, env, depth, filt=True),
                              self.gen_simple_clause(cand, env, depth, filt=True)])
            else:
                items.append([self.gen_simple_clause(cand, env, depth, filt=True)])
        return Body(items)

    # -- literals -------------------------------------------------------------
    def rand_lit(self, depth=1):
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            return Lit('s', rng.choice(STRINGS).replace('\\', ''))
        if r < 0.5:
            return Lit('i', rng.choice(INTS))
        if r < 0.58:
            return Lit('f', abs(rng.choice(FLOATS)))
        if r < 0.65:
            return Lit('b', self.chance(0.5))
        if r < 0.7:
            return Lit('n')
        if r < 0.8:
            return Lit('re', rng.choice(REGEXES))
        if r < 0.9 and depth > 0:
            return Lit('list', [self.rand_lit(depth - 1) for _ in range(rng.choice([0, 1, 2, 3]))])
        if r < 0.95 and depth > 0:
            return Lit('map', [(rng.choice(KEYS[:12]), self.rand_lit(depth - 1))
                               for _ in range(rng.choice([0, 1, 2]))])
        return self.rand_range()

    def rand_range(self):
        rng = self.rng
        lb, hb = rng.choice('[('), rng.choice('])')
        r = rng.random()
        if r < 0.6:
            lo = rng.choice([-5, 0, 1, 2, 3])
            return Lit('range', (lb, lo, lo + rng.choice([0, 1, 2, 5, 100]), hb))
        if r < 0.85:
            lo = rng.choice([0.0, 0.5, 1.0, 1.5])
            return Lit('range', (lb, fmt_float(lo), fmt_float(lo + rng.choice([0.5, 1.0, 10.0])), hb))
        return Lit('range', (lb, 'a', rng.choice(['c', 'z']), hb))

    def lit_from_sup(self, sup):
        if sup and sup[0]:
            v = self.rng.choice(sup[0])
            l = lit_of(v)
            if l is not None and len(l.render()) < 120:
                return l
        return None

    # -- clauses --------------------------------------------------------------
    def empty_ok(self, sup):
        if self.risky:
            return True
        if sup is None:
            return False
        return not any(is_num_or_null(v) for v in sup[0])

    def is_litvar(self, q, env):
        return isinstance(q, Q) and q.start[0] == 'var' and \
            env.get(q.start[1], (0, 0, ''))[2] in LITERAL_KINDS

    def gen_unary(self, ctx, env, depth, q=None):
        rng = self.rng
        if q is None:
            q = self.gen_query(ctx, env, depth)
        if self.is_litvar(q, env) and not self.risky:
            # a failing unary check on a variable bound to a literal panics
            # cfn-guard (exit 101) -- only risky runs use it
            return self.gen_binary(ctx, env, depth, q)
        sup = sup_eval(q, ctx, env)
        op = rng.choice(UNARY_OPS)
        if op == 'empty' and not self.empty_ok(sup):
            op = 'exists'
        opnot = rng.choice(['not', 'NOT', '!']) if self.chance(0.3) else ''
        pre = rng.choice(['not ', '!']) if self.chance(0.12) else ''
        return Unary(q, op, opnot, pre, self.chance(0.12))

    def gen_binary(self, ctx, env, depth, q=None):
        rng = self.rng
        if q is None:
            q = self.gen_query(ctx, env, depth)
        sup = sup_eval(q, ctx, env)
        r = rng.random()
        op = rng.choice(['==', '==', '==', '!=', '!=', '<', '<=', '>', '>=', 'IN', 'IN', 'in',
                         'not in', 'NOT IN', '!IN'])
        rhs = None
        r = rng.random()
        if r < 0.35:
            rhs = self.lit_from_sup(sup)
            if rhs is not None and op.upper().endswith('IN') and self.chance(0.6):
                extra = [self.rand_lit(0) for _ in range(rng.choice([0, 1, 2]))]
                rhs = Lit('list', extra + [rhs] if self.chance(0.5) else [rhs] + extra)
        elif r < 0.5:
            rhs = self.rand_lit()
            if op.upper().endswith('IN') and self.chance(0.3):
                rhs = self.rand_range()
        elif r < 0.68:
            rhs = self.gen_query(ctx, env, depth)
        elif r < 0.8 and env:
            n = rng.choice(sorted(env))
            rhs = Q(('var', n), [])
        elif r < 0.9:
            rhs = self.gen_func(ctx, env, depth, rhs=True)
        if rhs is None:
            rhs = self.rand_lit()
        pre = rng.choice(['not ', '!']) if self.chance(0.04) else ''
        return Binary(q, op, rhs, pre, self.chance(0.12))

    def gen_simple_clause(self, ctx, env, depth, filt=False):
        if self.chance(0.4):
            return self.gen_unary(ctx, env, depth)
        return self.gen_binary(ctx, env, depth)

    def gen_clause(self, ctx, env, depth, top=False, cond=False):
        rng = self.rng
        r = rng.random()
        if cond:
            if r < 0.15 and self.helpers:
                return Ref(rng.choice(sorted(self.helpers)), rng.choice(['', '', 'not ', '!']))
            return self.gen_simple_clause(ctx, env, depth)
        if r < 0.33:
            return self.gen_unary(ctx, env, depth)
        if r < 0.7:
            return self.gen_binary(ctx, env, depth)
        if r < 0.82 and depth > 0:
            q = self.gen_query(ctx, env, depth)
            sup = sup_eval(q, ctx, env)
            inner = UNKNOWN
            if sup is not None:
                inner = rng.choice(sup[0]) if sup[0] else None
            return Block(q, self.in_block(inner, dict(env), rng.choice([1, 1, 2, 3]), depth - 1),
                         self.chance(0.2))
        if r < 0.87 and depth > 0:
            # cfn-guard does not parse rule references in a `when` nested in a `when`
            saved = self.helpers
            self.whens += 1
            if self.whens > 1 and not self.risky:
                self.helpers = {}
            try:
                conds = self.gen_body(ctx, env, 1, depth - 1, cond=True)
                return When(conds, self.gen_body(ctx, dict(env), rng.choice([1, 2]), depth - 1))
            finally:
                self.whens -= 1
                self.helpers = saved
        if r < 0.92 and self.helpers:
            return Ref(rng.choice(sorted(self.helpers)), rng.choice(['', '', 'not ', '!']))
        if r < 0.96 and self.params:
            name = rng.choice(sorted(self.params))
            p = self.params[name]
            args = []
            for _ in p.params:
                a = rng.random()
                if self.risky and a < 0.3:
                    args.append(self.rand_lit())
                    continue
                q = self.gen_query(ctx, env, depth)
                if self.is_litvar(q, env) and not self.risky:
                    q = Q(('root',), [self.key_step(rng.choice(KEYS))])
                args.append(q)
            return Call(name, args, '')
        if top and depth > 0 and isinstance(self.doc.get('Resources'), dict) and self.doc['Resources'] \
                and ctx is self.doc:
            types = [r.get('Type') for r in self.doc['Resources'].values()
                     if isinstance(r, dict) and isinstance(r.get('Type'), str) and '::' in r['Type']]
            typ = rng.choice(types + ['AWS::EC2::Instance'])
            res = [r for r in self.doc['Resources'].values() if isinstance(r, dict) and r.get('Type') == typ]
            inner = res[0] if res else {}
            conds = self.gen_body(ctx, env, 1, 0, cond=True) if self.chance(0.25) else None
            return TypeBlock(typ, conds, self.in_block(inner, dict(env), rng.choice([1, 2]), depth - 1))
        return self.gen_unary(ctx, env, depth)

    def in_block(self, ctx, env, n, depth):
        # cfn-guard does not parse rule references inside block clauses
        saved = self.helpers
        if not self.risky:
            self.helpers = {}
        try:
            return self.gen_body(ctx, env, n, depth)
        finally:
            self.helpers = saved

    def gen_body(self, ctx, env, n, depth, cond=False, top=False, allow_let=True):
        rng = self.rng
        items = []
        if allow_let and not cond and self.chance(0.25):
            for _ in range(rng.choice([1, 1, 2])):
                name = 'v%d' % self.nlet
                self.nlet += 1
                val, entry = self.gen_let_value(ctx, env, depth)
                items.append(Let(name, val))
                env[name] = entry
        for _ in range(n):
            if self.chance(0.15):
                k = rng.choice([2, 2, 3])
                items.append([self.gen_clause(ctx, env, depth, top=top, cond=cond) for _ in range(k)])
            else:
                items.append([self.gen_clause(ctx, env, depth, top=top, cond=cond)])
        # rule references must end their line: keep them last in a disjunction
        for it in items:
            if isinstance(it, list):
                it.sort(key=lambda c: isinstance(c, Ref))
        if self.chance(0.15) and len(items) > 1:
            rng.shuffle(items)
        return Body(items)

    def gen_let_value(self, ctx, env, depth):
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            q = self.gen_query(ctx, env, depth)
            sup = sup_eval(q, ctx, env)
            kind = 'lit' if self.is_litvar(q, env) else 'query'
            return q, (sup[0] if sup else None, sup[1] if sup else True, kind)
        if r < 0.65:
            l = self.rand_lit()
            return l, (None, False, 'lit')
        f = self.gen_func(ctx, env, depth)
        litargs = all(isinstance(a, Lit) or self.is_litvar(a, env) for a in f.args[:1])
        return f, (None, True, 'litfn' if litargs else 'fn')

    def func_arg_query(self, ctx, env, depth, pred):
        """A query whose (approximate) values all satisfy pred, or None."""
        for _ in range(6):
            q = self.gen_query(ctx, env, depth)
            sup = sup_eval(q, ctx, env)
            if self.risky:
                return q
            if sup is None:
                continue
            if all(pred(v) for v in sup[0]):
                return q, sup
        return None

    def gen_func(self, ctx, env, depth, rhs=False):
        rng = self.rng
        name = rng.choice(FUNCS_SAFE)

        def strs(v):
            return isinstance(v, str)

        def any_ok(v):
            return True

        lit_arg = self.chance(0.25)
        if name == 'count':
            q = self.gen_query(ctx, env, depth)
            return Func('count', [q])
        if name in ('to_upper', 'to_lower', 'url_decode', 'parse_string'):
            if lit_arg:
                return Func(name, [Lit('s', rng.choice(STRINGS))])
            return Func(name, [self.gen_query(ctx, env, depth)])
        if name == 'regex_replace':
            a = Lit('s', rng.choice(STRINGS)) if lit_arg else self.gen_query(ctx, env, depth)
            pat = rng.choice(['b', 'a', '(\\w+) (\\w+)', '^', '[0-9]', 'x*', '(?i)A'])
            rep = rng.choice(['X', '${1}', '$1-', '', '${2} ${1}'])
            return Func(name, [a, Lit('s', pat), Lit('s', rep)])
        if name == 'substring':
            ok = lambda v: not isinstance(v, str) or v.isascii()
            a = Lit('s', rng.choice(['abc', 'hello world', '12345', ''])) if lit_arg else \
                self._qarg(ctx, env, depth, ok)
            if a is None:
                return Func('count', [self.gen_query(ctx, env, depth)])
            return Func(name, [a, Lit('i', rng.choice([0, 0, 1, 2])), Lit('i', rng.choice([1, 2, 3, 5, 20]))])
        if name == 'join':
            a = self._qarg(ctx, env, depth, strs, no_unres=True)
            if a is None:
                return Func('count', [self.gen_query(ctx, env, depth)])
            return Func(name, [a, Lit('s', rng.choice([',', '', ' - ']))])
        if name == 'json_parse':
            ok = lambda v: not isinstance(v, str) or v not in ('', '*')
            a = Lit('s', rng.choice(['{"a": [1, 2]}', '[1, 2]', '42', 'abc', 'true', '{"k": "v"}'])) \
                if lit_arg else self._qarg(ctx, env, depth, ok)
            if a is None:
                return Func('to_lower', [self.gen_query(ctx, env, depth)])
            return Func(name, [a])
        if name == 'parse_int':
            ok = lambda v: (not isinstance(v, str) or (INT_RE.match(v) and abs(int(v)) < 2 ** 62)) \
                and not isinstance(v, (list, dict))
            a = Lit('s', rng.choice(['42', '-3', '+4', '007'])) if lit_arg else self._qarg(ctx, env, depth, ok)
            if a is None:
                a = Lit('i', 3)
            return Func(name, [a])
        if name == 'parse_float':
            def ok(v):
                if isinstance(v, str):
                    try:
                        float(v)
                        return True
                    except ValueError:
                        return False
                return not isinstance(v, (list, dict))
            a = Lit('s', rng.choice(['1.5', '2', '1e3', '.5'])) if lit_arg else self._qarg(ctx, env, depth, ok)
            if a is None:
                a = Lit('s', '2.5')
            return Func(name, [a])
        if name == 'parse_boolean':
            ok = lambda v: (not isinstance(v, str) or v.lower() in ('true', 'false')) and \
                not isinstance(v, (list, dict))
            a = Lit('s', rng.choice(['true', 'FALSE', 'True'])) if lit_arg else self._qarg(ctx, env, depth, ok)
            if a is None:
                a = Lit('s', 'true')
            return Func(name, [a])
        return Func('count', [self.gen_query(ctx, env, depth)])

    def _qarg(self, ctx, env, depth, pred, no_unres=False):
        for _ in range(8):
            q = self.gen_query(ctx, env, depth)
            if self.risky:
                return q
            sup = sup_eval(q, ctx, env)
            if sup is None:
                continue
            if no_unres and (sup[1] or not sup[0]):
                continue
            if any(v == '' for v in sup[0]) and pred is not None and no_unres:
                pass
            if all(pred(v) for v in sup[0]):
                return q
        return None

    # -- rules and files ------------------------------------------------------
    def gen_rule(self, name, refs=True):
        saved = self.helpers
        if not refs:
            self.helpers = {}
        env = dict(self.genv)
        conds = None
        if self.chance(0.25):
            conds = self.gen_body(self.doc, dict(self.genv), self.rng.choice([1, 1, 2]), 1, cond=True)
        body = self.gen_body(self.doc, env, self.rng.choice([1, 1, 1, 2, 3]), 2, top=True)
        self.helpers = saved
        return Rule(name, body, conds)

    def gen_param_rule(self, name):
        rng = self.rng
        params = ['a'] if self.chance(0.6) else ['a', 'b']
        env = {p: (None, True, 'param') for p in params}
        items = []
        for _ in range(rng.choice([1, 1, 2])):
            p = rng.choice(params)
            r = rng.random()
            q = Q(('var', p), [])
            if r < 0.3:
                q.steps.append(self.key_step(rng.choice(KEYS)) if self.chance(0.4) else ('all',))
            if len(params) == 2 and self.chance(0.4):
                other = [x for x in params if x != p][0]
                c = Binary(q, rng.choice(['==', '!=', 'IN', '<']), Q(('var', other), []))
            elif self.chance(0.3):
                c = Block(q, self.in_block(UNKNOWN, dict(self.genv), 1, 0), self.chance(0.2))
            elif self.chance(0.5):
                c = Unary(q, rng.choice(['exists', 'is_string', 'is_list', 'is_int', 'is_struct']),
                          rng.choice(['', '', 'not']), '', self.chance(0.2))
            else:
                c = Binary(q, rng.choice(['==', '!=', 'IN', '>']), self.rand_lit(), '', self.chance(0.2))
            items.append([c])
        return Rule(name, Body(items), None, params)

    def gen_file(self, nrules):
        rng = self.rng
        # file-level lets
        for i in range(rng.choice([1, 2, 3, 4])):
            name = 'g%d' % i
            r = rng.random()
            if r < 0.3:
                # a literal key name, usable as %g in a path step
                keys = []
                for res in (self.doc.get('Resources') or {}).values() if isinstance(self.doc.get('Resources'), dict) else []:
                    if isinstance(res, dict) and isinstance(res.get('Properties'), dict):
                        keys.extend(res['Properties'])
                k = rng.choice(keys + ['Properties', 'Type', 'zz']) if keys or True else 'x'
                val, entry = Lit('s', k), (None, False, 'keylit')
            elif r < 0.4:
                val, entry = Lit('list', [Lit('s', rng.choice(KEYS)) for _ in range(2)]), (None, False, 'strlist')
            else:
                val, entry = self.gen_let_value(self.doc, dict(self.genv), 1)
            self.lets[name] = Let(name, val)
            self.genv[name] = entry
        for i in range(rng.choice([1, 2])):
            self.params['p%d' % i] = self.gen_param_rule('p%d' % i)
        for i in range(rng.choice([1, 2, 3])):
            self.helpers['h%d' % i] = self.gen_rule('h%d' % i, refs=False)
        rules = [self.gen_rule('r%03d' % i) for i in range(nrules)]
        return rules


# ----------------------------------------------------------------------------
# Running the engines

class Runner:
    def __init__(self, oracle, gavel, fmt, tmp):
        self.oracle = oracle
        self.gavel = gavel
        self.fmt = fmt
        self.tmp = tmp
        self.nruns = 0
        self.verbose = False

    def run_one(self, exe, rules_path, data_paths):
        cmd = [exe, 'validate', '-r', rules_path]
        for d in data_paths:
            cmd += ['-d', d]
        if self.fmt == 'json':
            cmd += ['-z', '-S', 'none', '-o', 'json']
        else:
            cmd += ['-S', 'all']
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        except subprocess.TimeoutExpired:
            return 'timeout', {}, ''
        code = p.returncode
        if code < 0:
            code = 128 - code
        out = p.stdout.decode('utf-8', 'replace')
        err = p.stderr.decode('utf-8', 'replace')
        st = {}
        if self.fmt == 'json':
            try:
                doc = json.loads(out)
                if isinstance(doc, dict):
                    doc = [doc]
                for f in doc:
                    base = os.path.basename(f['name'])
                    for n in f.get('compliant', []):
                        st[(base, n)] = 'PASS'
                    for n in f.get('not_applicable', []):
                        st.setdefault((base, n), 'SKIP')
                    for r in f.get('not_compliant', []):
                        nm = r.get('Rule', {}).get('name') if isinstance(r, dict) else None
                        if nm:
                            st[(base, nm)] = 'FAIL'
            except (ValueError, KeyError, TypeError, AttributeError):
                st = {}
        else:
            base = None
            for line in out.splitlines():
                m = re.match(r'^(\S.*) Status = (PASS|FAIL|SKIP)$', line)
                if m:
                    base = os.path.basename(m.group(1))
                    continue
                m = re.match(r'^\S*rules\.guard/(\S+)\s+(PASS|FAIL|SKIP)$', line)
                if m and base:
                    st[(base, m.group(1))] = m.group(2)
        return code, st, err

    def run_both(self, rules_text, datas):
        """datas: list of JSON values.  Returns (ocode, gcode, ost, gst)."""
        d = tempfile.mkdtemp(dir=self.tmp)
        rp = os.path.join(d, 'rules.guard')
        with open(rp, 'w') as f:
            f.write(rules_text)
        dps = []
        for i, data in enumerate(datas):
            dp = os.path.join(d, 'd%04d.json' % i)
            with open(dp, 'w') as f:
                json.dump(data, f, indent=1, ensure_ascii=False)
            dps.append(dp)
        self.nruns += 1
        oc, ost, _ = self.run_one(self.oracle, rp, dps)
        gc, gst, _ = self.run_one(self.gavel, rp, dps)
        shutil.rmtree(d, ignore_errors=True)
        return oc, gc, ost, gst


NORMAL = (0, 19)


def outcome(code, st, key):
    if code not in NORMAL:
        return 'exit %s' % code
    return st.get(key, 'MISSING')


def eval_units(runner, units, datas, budget=None, shared='', shared_names=()):
    """units: list of (unit_id, text, reported_names).  Evaluates every unit on
    every data doc; `shared` (lets, helper and parameterised rules) is put in
    every run and its rules (`shared_names`) are reported under unit '#shared'.
    Runs that abort (exit not 0/19) are bisected, over data docs first, then
    over units, so one aborting rule does not hide the others.  Returns
    {(unit_id, data_index, name): (oracle_outcome, gavel_outcome)}; key
    (unit, data, '#exit') records an exit-code disagreement on a normal run."""
    res = {}

    def record(us, di, oc, gc, ost, gst):
        for j, i in enumerate(di):
            base = 'd%04d.json' % j
            for u in us:
                for n in u[2]:
                    res[(u[0], i, n)] = (outcome(oc, ost, (base, n)), outcome(gc, gst, (base, n)))
            for n in shared_names:
                res.setdefault(('#shared', i, n), (outcome(oc, ost, (base, n)), outcome(gc, gst, (base, n))))

    def go(us, di):
        if budget is not None and runner.nruns >= budget[0]:
            return
        text = shared + ''.join(u[1] for u in us)
        oc, gc, ost, gst = runner.run_both(text, [datas[i] for i in di])
        if oc in NORMAL and gc in NORMAL:
            record(us, di, oc, gc, ost, gst)
            if oc != gc:
                for u in us:
                    for i in di:
                        res[(u[0], i, '#exit')] = ('exit %s' % oc, 'exit %s' % gc)
            return
        if len(di) > 1:
            h = len(di) // 2
            go(us, di[:h])
            go(us, di[h:])
            return
        if len(us) > 1:
            h = len(us) // 2
            go(us[:h], di)
            go(us[h:], di)
            return
        record(us, di, oc, gc, ost, gst)
        if runner.verbose and oc != 5:
            print('  abort leaf %s: oracle %s gavel %s' % (us[0][0], oc, gc))
        if oc == 5 and runner.verbose:
            print('  oracle parse error in unit %s:\n%s' % (us[0][0], us[0][1]))

    if datas and (units or shared):
        if shared and units:
            # an aborting shared part would make every bisection leaf abort
            oc, gc, ost, gst = runner.run_both(shared + ''.join(u[1] for u in units), datas)
            if oc in NORMAL and gc in NORMAL:
                record(units, list(range(len(datas))), oc, gc, ost, gst)
                if oc != gc:
                    res[(units[0][0], 0, '#exit')] = ('exit %s' % oc, 'exit %s' % gc)
                return res
            oc2, gc2, ost2, gst2 = runner.run_both(shared, datas)
            if not (oc2 in NORMAL and gc2 in NORMAL):
                print('  shared part aborts: oracle exit %s, gavel exit %s' % (oc2, gc2))
                record([], list(range(len(datas))), oc2, gc2, ost2, gst2)
                return res
        go(list(units), list(range(len(datas))))
    return res


# ----------------------------------------------------------------------------
# Shrinking

def prog_size(p, data):
    return len(p.render()) + len(json.dumps(data)) // 3


def data_shrinks(v):
    """One-step reductions of a JSON value (smallest first-ish)."""
    if isinstance(v, dict):
        ks = list(v)
        if len(ks) > 1:
            yield {}
        for k in ks:
            yield {kk: vv for kk, vv in v.items() if kk != k}
        for k in ks:
            for c in data_shrinks(v[k]):
                d = dict(v)
                d[k] = c
                yield d
    elif isinstance(v, list):
        if len(v) > 1:
            yield []
        for i in range(len(v)):
            yield v[:i] + v[i + 1:]
        for i in range(len(v)):
            for c in data_shrinks(v[i]):
                yield v[:i] + [c] + v[i + 1:]
    elif isinstance(v, str):
        if len(v) > 1:
            yield v[:1]
    elif isinstance(v, float) and v not in (0.5, 1.5):
        yield 1.5
    elif isinstance(v, int) and not isinstance(v, bool) and v not in (0, 1):
        yield 1


class Shrinker:
    def __init__(self, runner, log, max_runs=160):
        self.runner = runner
        self.log = log
        self.max_runs = max_runs

    def check_prog_batch(self, cands, data, want):
        """Return the first candidate program preserving `want`."""
        start = self.runner.nruns
        budget = [start + 40]
        units = [('c%d' % i, p.render(prefix='c%d' % i), ['c%dr' % i]) for i, p in enumerate(cands)]
        aborting = want[0].startswith('exit') or want[1].startswith('exit')
        if aborting:
            for i, u in enumerate(units):
                if self.runner.nruns - start > 25:
                    break
                r = eval_units(self.runner, [u], [data])
                if r.get((u[0], 0, u[2][0])) == want:
                    return i
            return None
        for lo in range(0, len(units), 60):
            chunk = units[lo:lo + 60]
            r = eval_units(self.runner, chunk, [data], budget)
            for i, u in enumerate(chunk):
                if r.get((u[0], 0, u[2][0])) == want:
                    return lo + i
        return None

    def check_data_batch(self, prog, cands, want):
        text = prog.render(prefix='c', target_name='cr')
        aborting = want[0].startswith('exit') or want[1].startswith('exit')
        start = self.runner.nruns
        if aborting:
            for i, d in enumerate(cands):
                if self.runner.nruns - start > 25:
                    break
                r = eval_units(self.runner, [('u', text, ['cr'])], [d])
                if r.get(('u', 0, 'cr')) == want:
                    return i
            return None
        budget = [start + 40]
        for lo in range(0, len(cands), 80):
            chunk = cands[lo:lo + 80]
            r = eval_units(self.runner, [('u', text, ['cr'])], chunk, budget)
            for i in range(len(chunk)):
                if r.get(('u', i, 'cr')) == want:
                    return lo + i
        return None

    def shrink(self, prog, data, want):
        start = self.runner.nruns
        prog = prog.trimmed()
        changed = True
        while changed and self.runner.nruns - start < self.max_runs:
            changed = False
            # rules
            cands = []
            seen = set()
            for c in prog.shrinks():
                t = c.render()
                if t not in seen:
                    seen.add(t)
                    cands.append((len(t), len(cands), c))
            cands.sort(key=lambda x: (x[0], x[1]))
            cands = [c for _, _, c in cands][:240]
            if cands:
                i = self.check_prog_batch(cands, data, want)
                if i is not None:
                    prog = cands[i]
                    changed = True
                    continue
            # data
            dc = []
            seen = set()
            for d in data_shrinks(data):
                t = json.dumps(d, sort_keys=True)
                if t not in seen:
                    seen.add(t)
                    dc.append((len(t), len(dc), d))
            dc.sort(key=lambda x: (x[0], x[1]))
            dc = [d for _, _, d in dc][:240]
            if dc:
                i = self.check_data_batch(prog, dc, want)
                if i is not None:
                    data = dc[i]
                    changed = True
        return prog, data


# ----------------------------------------------------------------------------
# Categories and findings

PRIMARY_ORDER = ['call not', 'call', 'type-block', 'rule-ref not', 'rule-ref', 'when-block', 'rule-when',
                 'block some', 'block']


def categorize(prog, want):
    fs = prog.feats()
    tfs = set()
    prog.target.feats(tfs)
    # the most specific construct of the target rule
    kinds = sorted(f for f in fs if f.startswith(('unary:', 'binary:')))
    steps = sorted(f for f in fs if f.startswith('q:'))
    fns = sorted(f for f in fs if f.startswith('fn:'))
    other = sorted(f for f in fs if f in PRIMARY_ORDER or f in ('some', 'or', 'prefix-not(unary)',
                                                                'prefix-not(binary)', 'let=fn', 'let=query',
                                                                'let=literal', 'param-rule'))
    key = ' | '.join(['%s vs %s' % want] + kinds + fns + other + steps)
    # coarse group
    if fns:
        group = 'functions: ' + ', '.join(f[3:] for f in fns)
    elif any(f.startswith('call') for f in fs):
        group = 'parameterised rule calls'
    elif 'type-block' in fs:
        group = 'type blocks'
    elif any(f.startswith('rule-ref') for f in fs):
        group = 'rule references'
    elif 'q:keys-filter ==' in fs or any(f.startswith('q:keys-filter') for f in fs):
        group = 'keys filters'
    elif 'q:filter' in fs:
        group = 'filters'
    elif any(f.startswith('block') for f in fs):
        group = 'block clauses'
    elif kinds:
        group = kinds[0].split(' rhs=')[0]
    else:
        group = 'other'
    if want[0].startswith('exit') or want[1].startswith('exit'):
        group = 'exit codes / aborts: ' + group
    return group, key


class Findings:
    def __init__(self, outdir):
        self.outdir = outdir
        os.makedirs(outdir, exist_ok=True)
        self.index_path = os.path.join(outdir, 'index.json')
        self.items = []
        if os.path.exists(self.index_path):
            with open(self.index_path) as f:
                self.items = json.load(f)

    def keys(self):
        return {it['key'] for it in self.items}

    def next_id(self):
        n = 1
        used = {it['id'] for it in self.items}
        if os.path.isdir(self.outdir):
            used |= set(os.listdir(self.outdir))
        while '%03d' % n in used:
            n += 1
        return '%03d' % n

    def bump(self, key):
        for it in self.items:
            if it['key'] == key:
                it['hits'] = it.get('hits', 1) + 1
                return True
        return False

    def add(self, runner, prog, data, want, group, key, seed):
        fid = self.next_id()
        d = os.path.join(self.outdir, fid)
        os.makedirs(d, exist_ok=True)
        text = prog.render(target_name='r')
        with open(os.path.join(d, 'rules.guard'), 'w') as f:
            f.write(text)
        with open(os.path.join(d, 'data.json'), 'w') as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
            f.write('\n')
        for name, exe in (('oracle.txt', runner.oracle), ('gavel.txt', runner.gavel)):
            write_engine_output(exe, d, name)
        self.items.append({'id': fid, 'group': group, 'key': key, 'oracle': want[0], 'gavel': want[1],
                           'hits': 1, 'seed': seed})
        self.save()
        return fid

    def save(self):
        with open(self.index_path, 'w') as f:
            json.dump(self.items, f, indent=1)
        write_summary(self.outdir, self.items)


def write_engine_output(exe, d, name):
    outs = []
    for args in (['-S', 'all'], ['-z', '-S', 'none', '-o', 'json']):
        cmd = [exe, 'validate', '-r', 'rules.guard', '-d', 'data.json'] + args
        try:
            p = subprocess.run(cmd, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
            txt = p.stdout.decode('utf-8', 'replace')
            code = p.returncode
        except subprocess.TimeoutExpired:
            txt, code = '(timeout)\n', 'timeout'
        lines = txt.splitlines()
        if len(lines) > 60:
            lines = lines[:60] + ['... (%d more lines)' % (len(lines) - 60)]
        outs.append('$ %s validate -r rules.guard -d data.json %s\n%s\nexit %s\n' %
                    (os.path.basename(exe), ' '.join(args), '\n'.join(lines), code))
    with open(os.path.join(d, name), 'w') as f:
        f.write('\n'.join(outs))


def write_summary(outdir, items):
    """SUMMARY.md: curated causes (findings/causes.json, written by hand after
    a run: title, explanation, one minimal example, finding ids) first, then
    every finding grouped by cause (or by its automatic group if unassigned)."""
    causes = []
    cp = os.path.join(outdir, 'causes.json')
    if os.path.exists(cp):
        with open(cp) as f:
            causes = json.load(f)
    present = {it['id'] for it in items}
    cause_of = {}
    for c in causes:
        c['ids'] = [i for i in c['ids'] if i in present]
        for i in c['ids']:
            cause_of[i] = '%s. %s' % (c['key'], c['title'])
    causes = [c for c in causes if c['ids']]
    lines = ['# difffuzz findings', '',
             'Minimised disagreements between gavel and cfn-guard 3.1.1 found by',
             '`tests/fuzz/difffuzz.py` (verdicts read with `validate -z -S none -o json`;',
             '`oracle.txt`/`gavel.txt` in each directory also show `-S all`). The',
             'disagreeing rule is always named `r` (or `r1`, `r2` in the examples).',
             'Re-run `python3 tests/fuzz/difffuzz.py --recheck` after engine fixes: it',
             'drops findings that no longer reproduce and rewrites this file.', '']
    if causes:
        lines += ['## Causes, one minimal example each', '']
        for c in causes:
            lines.append('### %s. %s' % (c['key'], c['title']))
            lines.append('')
            if c.get('explanation'):
                lines.append(c['explanation'])
                lines.append('')
            lines.append('```')
            lines.append(c['rules'])
            lines.append('```')
            lines.append('')
            lines.append('data: `%s` -- cfn-guard: **%s**, gavel: **%s**' % (c['data'], c['oracle'], c['gavel']))
            lines.append('')
            lines.append('findings: ' + ', '.join(c['ids']))
            lines.append('')
    groups = {}
    for it in items:
        groups.setdefault(cause_of.get(it['id'], 'unassigned: ' + it['group']), []).append(it)
    lines += ['## All findings by cause', '']
    if not groups:
        lines += ['None open: every finding so far is fixed and kept as a probe',
                  '(`tests/conformance/probes/fuzz-*`, `s<seed>-fuzz-*`).', '']
    for g in sorted(groups):
        lines.append('### ' + g)
        lines.append('')
        for it in sorted(groups[g], key=lambda x: x['id']):
            d = os.path.join(outdir, it['id'])
            try:
                rules = open(os.path.join(d, 'rules.guard')).read().rstrip()
                data = json.dumps(json.load(open(os.path.join(d, 'data.json'))), ensure_ascii=False)
            except OSError:
                continue
            lines.append('#### %s: cfn-guard %s, gavel %s (hits: %d)' % (it['id'], it['oracle'], it['gavel'],
                                                                        it.get('hits', 1)))
            lines.append('')
            lines.append('```')
            lines.append(rules)
            lines.append('```')
            lines.append('')
            lines.append('data: `%s`' % (data if len(data) < 400 else data[:400] + '...'))
            lines.append('')
    with open(os.path.join(outdir, 'SUMMARY.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


# ----------------------------------------------------------------------------
# Main loop

def fuzz(args):
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix='difffuzz-')
    runner = Runner(args.oracle, args.gavel, args.format, tmp)
    runner.verbose = args.verbose
    findings = Findings(args.out)
    shrinker = Shrinker(runner, None)
    total = agree = 0
    t0 = time.time()
    new_cats = 0
    last_new = 0
    try:
        for it in range(args.iterations):
            if args.time_budget and time.time() - t0 > args.time_budget:
                print('time budget reached after %d iterations' % it)
                break
            irng = random.Random(rng.getrandbits(64))
            risky = irng.random() < args.risky_rate
            doc = DataGen(irng).doc()
            gen = RuleGen(irng, doc, risky=risky)
            nrules = max(2, args.rules // 10) if risky else args.rules
            rules = gen.gen_file(nrules)
            allrules = [gen.helpers[h] for h in sorted(gen.helpers)] + rules
            progs = {r.name: Program(r, gen.lets, {h: gen.helpers[h] for h in gen.helpers if h != r.name},
                                     gen.params) for r in allrules}
            # evaluate: shared context + all rules
            shared = ''.join(gen.lets[n].render({}, 0) + '\n' for n in sorted(gen.lets)) + \
                ''.join(gen.params[n].render({}) for n in sorted(gen.params)) + \
                ''.join(gen.helpers[n].render({}) for n in sorted(gen.helpers))
            hnames = sorted(gen.helpers)
            units = [(r.name, r.render({}), [r.name]) for r in rules]
            if args.dump:
                with open(args.dump, 'w') as f:
                    f.write(shared + ''.join(u[1] for u in units))
                with open(args.dump + '.json', 'w') as f:
                    json.dump(doc, f, indent=1)
            res = eval_units(runner, units, [doc], shared=shared, shared_names=hnames)
            bad = []
            for (uid, di, name), (o, g) in sorted(res.items()):
                if name == '#exit':
                    continue
                total += 1
                if o == g:
                    agree += 1
                else:
                    bad.append((name, (o, g)))
            if res and any(k[2] == '#exit' for k in res):
                ex = [v for k, v in res.items() if k[2] == '#exit'][0]
                print('  iteration %d: exit codes differ on a normal run: %s' % (it, ex))
            print('iter %d%s: %d rules, %d disagree (runs so far %d, %.0fs)' %
                  (it, ' [risky]' if risky else '', len(res), len(bad), runner.nruns, time.time() - t0))
            sys.stdout.flush()
            if args.no_shrink or not bad:
                continue
            # shrink a few, smallest first, different verdict pairs first
            bad.sort(key=lambda b: len(progs[b[0]].trimmed().render()))
            picked, pairs = [], set()
            for b in bad:
                if b[1] not in pairs:
                    picked.append(b)
                    pairs.add(b[1])
            for b in bad:
                if b not in picked:
                    picked.append(b)
            for name, want in picked[:args.shrink_per_iter]:
                p = progs[name]
                prog, data = shrinker.shrink(p, doc, want)
                # confirm the reduction on its own
                chk = eval_units(runner, [('u', prog.render(prefix='c', target_name='cr'), ['cr'])], [data])
                got = chk.get(('u', 0, 'cr'))
                if got != want:
                    print('    %s: reduced case does not reproduce (%s), skipped' % (name, got))
                    continue
                group, key = categorize(prog, want)
                if findings.bump(key):
                    findings.save()
                    print('    %s: %s vs %s -- known signature' % (name, want[0], want[1]))
                    continue
                fid = findings.add(runner, prog, data, want, group, key, args.seed)
                new_cats += 1
                last_new = it
                print('    NEW finding %s [%s] %s vs %s' % (fid, group, want[0], want[1]))
                print('      ' + prog.render(target_name='r').replace('\n', '\n      '))
                print('      data: ' + json.dumps(data)[:300])
                sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('agree: %d/%d rules' % (agree, total))
    print('new findings: %d (last at iteration %d); engine runs: %d; %.0fs' %
          (new_cats, last_new, runner.nruns, time.time() - t0))


PROBES = os.path.join(REPO, 'tests', 'conformance', 'probes')


def promote_to_probe(oracle, d, fid):
    """A fixed finding becomes a regression probe (tests/suites/probes.sh):
    rules.guard, data.json and the oracle's rule lines and exit code."""
    name, n = 'fuzz-%s' % fid, 1
    while os.path.exists(os.path.join(PROBES, name)):  # findings of another --out
        n += 1
        name = 'fuzz-%s-%d' % (fid, n)
    dst = os.path.join(PROBES, name)
    os.makedirs(dst)
    for f in ('rules.guard', 'data.json'):
        shutil.copy(os.path.join(d, f), os.path.join(dst, f))
    p = subprocess.run([oracle, 'validate', '-r', 'rules.guard', '-d', 'data.json', '-S', 'all'],
                       cwd=dst, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
    lines = []
    for ln in p.stdout.decode('utf-8', 'replace').splitlines():
        m = re.match(r'^rules\.guard/(\S+)\s+(PASS|FAIL|SKIP)$', ln)
        if m:
            lines.append('%s %s' % m.groups())
    lines.append('exit %d' % p.returncode)
    with open(os.path.join(dst, 'expected'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    # the probes suite also runs -z; cfn-guard's exit there can differ (it
    # panics in a text reporter only)
    z = subprocess.run([oracle, 'validate', '-r', 'rules.guard', '-d', 'data.json', '-z', '-S', 'none',
                        '-o', 'json'], cwd=dst, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    if z.returncode != p.returncode:
        with open(os.path.join(dst, 'z-exit'), 'w') as f:
            f.write('exit %d\n' % z.returncode)
    return name


def recheck(args):
    """Re-run every stored finding; drop those that no longer reproduce."""
    findings = Findings(args.out)
    tmp = tempfile.mkdtemp(prefix='difffuzz-')
    runner = Runner(args.oracle, args.gavel, args.format, tmp)
    keep = []
    for it in findings.items:
        d = os.path.join(args.out, it['id'])
        try:
            text = open(os.path.join(d, 'rules.guard')).read()
            data = json.load(open(os.path.join(d, 'data.json')))
        except OSError:
            continue
        r = eval_units(runner, [('u', text, ['r'])], [data])
        got = r.get(('u', 0, 'r'))
        if got and got[0] != got[1]:
            it['oracle'], it['gavel'] = got
            write_engine_output(runner.oracle, d, 'oracle.txt')
            write_engine_output(runner.gavel, d, 'gavel.txt')
            keep.append(it)
            print('%s still reproduces: %s vs %s' % (it['id'], got[0], got[1]))
        else:
            probe = promote_to_probe(runner.oracle, d, it['id'])
            print('%s no longer reproduces (%s): now probe %s' % (it['id'], got, probe))
            shutil.rmtree(d, ignore_errors=True)
    findings.items = keep
    findings.save()
    shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--iterations', type=int, default=10)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--rules', type=int, default=120, help='rules per generated file')
    ap.add_argument('--oracle', default=ORACLE)
    ap.add_argument('--gavel', default=GAVEL)
    ap.add_argument('--out', default=os.path.join(HERE, 'findings'))
    ap.add_argument('--format', choices=['json', 'summary'], default='json',
                    help='how verdicts are read: -z -o json (default) or -S all summary lines')
    ap.add_argument('--no-shrink', action='store_true')
    ap.add_argument('--shrink-per-iter', type=int, default=3)
    ap.add_argument('--risky-rate', type=float, default=0.12,
                    help='share of iterations allowed to use constructs that abort a run')
    ap.add_argument('--time-budget', type=float, default=0, help='seconds')
    ap.add_argument('--dump', help='write the first generated rules/data here (debugging)')
    ap.add_argument('--verbose', action='store_true', help='show rules the oracle cannot parse')
    ap.add_argument('--recheck', action='store_true', help='re-run stored findings, drop fixed ones')
    args = ap.parse_args()
    if args.recheck:
        recheck(args)
    else:
        fuzz(args)


if __name__ == '__main__':
    main()
