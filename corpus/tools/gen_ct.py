#!/usr/bin/env python3
"""Generate the Control Tower conformance corpus (corpus/ct/inputs).

For every ct-*.guard rule file this script
  1. harvests resource types, property names and literals from the rule text,
  2. searches for a compliant document (hook form and template form) with a
     small beam search that repairs the failures reported by the oracle
     (cfn-guard -o json) until the primary rule reaches PASS,
  3. derives many mutations (removed property, wrong type, wrong value, empty
     list, intrinsic functions, valid/invalid local references, lists that mix
     compliant and non-compliant items, ...), renders them as hook documents,
     JSON templates and YAML templates with short-form tags,
  4. evaluates all candidates with the oracle and keeps a small diverse set
     that covers PASS, FAIL and SKIP for each form.
It also writes multi-resource templates under inputs/multi/.

Standard library only; deterministic (seeded RNGs, sorted iteration).
Environment: CFN_GUARD (oracle binary), CT_RULES (rules dir), CT_JOBS (workers),
CT_INPUTS_OUT (output dir, default corpus/ct/inputs; gen-report.json goes next to it).
With arguments, only rule files whose path contains one of them are regenerated
(inputs/multi/ is rebuilt by a full run only). Hand-written compliant seeds for
rule files the search cannot solve alone live in corpus/tools/ct_seeds.json.
"""
import copy
import glob
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PKG = os.path.join(REPO, "bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard")
ORACLE = os.environ.get("CFN_GUARD") or os.path.join(PKG, "bin/ubuntu/x86_64/cfn-guard")
RULES = os.environ.get("CT_RULES") or os.path.join(PKG, "rules/control-tower/cfn-guard")
OUT = os.environ.get("CT_INPUTS_OUT") or os.path.join(REPO, "corpus/ct/inputs")
REPORT = os.path.join(os.path.dirname(os.path.abspath(OUT)), "gen-report.json")

INTRINSIC_KEYS = {"Ref", "Condition", "Fn::GetAtt", "Fn::Sub", "Fn::If", "Fn::Join", "Fn::Select",
                  "Fn::Split", "Fn::FindInMap", "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not",
                  "Fn::Base64", "Fn::GetAZs", "Fn::ImportValue"}
UNRELATED_TYPE = "AWS::SNS::Topic"
# Hand-written compliant properties for rule files the search cannot solve on
# its own (filters that keep the rule at SKIP until a specific shape appears):
# {"svc/ct-x.guard": {"AWS::T::Y": [props, ...], "@resources": {extra template resources}}}
SEEDS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ct_seeds.json")
HAND_SEEDS = json.load(open(SEEDS_FILE)) if os.path.exists(SEEDS_FILE) else {}


# --------------------------------------------------------------------------
# Rule text harvesting
# --------------------------------------------------------------------------
def strip_comments(text):
    code = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
    return re.sub(r"<<.*?>>", "", code, flags=re.S)


def harvest(path):
    text = open(path).read()
    code = strip_comments(text)
    lets = dict(re.findall(r"""^\s*let\s+(\w+)\s*=\s*["']([^"'\n]*)["']""", code, re.M))
    hook_types = []
    for var in re.findall(r'is_cfn_hook\(\s*%INPUT_DOCUMENT\s*,\s*%(\w+)\s*\)', code):
        t = lets.get(var)
        if t and t not in hook_types:
            hook_types.append(t)
    all_types = []
    for t in re.findall(r'["\'](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)["\']', code):
        if t not in all_types:
            all_types.append(t)
    ref_types = [t for t in all_types if t not in hook_types]
    names = []
    for n in re.findall(r"(?<![%\w'\"/:])([A-Z][A-Za-z0-9]+)\b", code):
        if n not in names and n not in ("Resources", "Type", "Properties", "AWSTemplateFormatVersion",
                                          "Ref", "INPUT_DOCUMENT") and not n.isupper():
            names.append(n)
    rule_names = []
    for n in re.findall(r'^rule\s+(\w+)\s+when', code, re.M):
        if n not in rule_names:
            rule_names.append(n)
    strings = []
    for s in re.findall(r'"([^"\n]*)"', code):
        if s not in strings and not s.startswith("AWS::"):
            strings.append(s)
    return {"text": code, "hook_types": hook_types, "ref_types": ref_types, "names": names,
            "rule_names": rule_names, "strings": strings}


# --------------------------------------------------------------------------
# Skeleton extraction: a rough symbolic walk over the rule text that collects
# (path, operator, value) triples, following calls of parameterised rules.
# --------------------------------------------------------------------------
TOKEN_RE = re.compile(r"""\s+|(?P<str>"[^"\n]*"|'[^'\n]*')|(?P<rx>/(?:\\.|[^/\n])*/)|(?P<num>-?\d+(?:\.\d+)?)|"""
                      r"""(?P<op>==|!=|>=|<=|<<|>>|\|OR\||[{}\[\]().,<>!*])|(?P<var>%[A-Za-z_][A-Za-z0-9_]*)|(?P<id>[A-Za-z_][A-Za-z0-9_:]*)|(?P<other>.)""")


def tokenize(code):
    toks = []
    for m in TOKEN_RE.finditer(code):
        if m.lastgroup is None:
            if "\n" in m.group(0):
                toks.append(("nl", "\n"))
            continue
        k, v = m.lastgroup, m.group(0)
        if k == "str":
            toks.append(("lit", v[1:-1]))
        elif k == "rx":
            toks.append(("lit", v))
        elif k == "num":
            toks.append(("lit", float(v) if "." in v else int(v)))
        elif k == "id" and v in ("true", "false"):
            toks.append(("lit", v == "true"))
        else:
            toks.append((k, v))
    return toks


def parse_literal(toks, i, consts):
    """Parse a literal (scalar, list, %CONST) at toks[i]; returns (value, next index) or (None, i)."""
    while i < len(toks) and toks[i][0] == "nl":
        i += 1
    if i >= len(toks):
        return None, i
    k, v = toks[i]
    if k == "lit":
        return v, i + 1
    if k == "var" and v[1:] in consts:
        return consts[v[1:]], i + 1
    if k == "op" and v == "[":
        out = []
        i += 1
        while i < len(toks) and not (toks[i][0] == "op" and toks[i][1] == "]"):
            if toks[i][0] in ("nl",) or toks[i] == ("op", ","):
                i += 1
                continue
            val, j = parse_literal(toks, i, consts)
            if j == i:
                i += 1
                continue
            out.append(val)
            i = j
        return out, i + 1
    return None, i


UNARY_OPS = ("exists", "empty", "is_list", "is_struct", "is_string", "is_bool", "is_int", "is_float")


def skeleton(code):
    toks = tokenize(code)
    consts = {}
    # constants
    for i, (k, v) in enumerate(toks):
        if k == "id" and v == "let" and i + 3 < len(toks) and toks[i + 2] == ("op", "=") or (k == "id" and v == "let" and i + 2 < len(toks) and toks[i + 2][1] == "="):
            name = toks[i + 1][1]
            val, j = parse_literal(toks, i + 3, consts)
            if val is not None and j > i + 3:
                consts[name] = val
    rules = {}
    i = 0
    n = len(toks)
    while i < n:
        if toks[i] == ("id", "rule") and i + 1 < n and toks[i + 1][0] == "id":
            name = toks[i + 1][1]
            j = i + 2
            params = []
            if j < n and toks[j] == ("op", "("):
                j += 1
                while j < n and toks[j] != ("op", ")"):
                    if toks[j][0] == "id":
                        params.append(toks[j][1])
                    j += 1
            # find body start
            while j < n and toks[j] != ("op", "{"):
                j += 1
            depth = 0
            k0 = j
            while j < n:
                if toks[j] == ("op", "{"):
                    depth += 1
                elif toks[j] == ("op", "}"):
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            body = toks[k0 + 1:j]
            key = name if params else "@primary:" + name
            rules.setdefault(key, []).append((params, body))
            i = j + 1
            continue
        i += 1
    return consts, rules


def analyse_body(params, body, consts, callables):
    """Return list of ('clause', path, op, value) and ('call', callee, [argpaths]) with symbolic roots."""
    root = ("@" + params[0],) if params else ("@root",)
    out = []
    stack = [root]
    pending = []  # tokens of current statement
    i = 0

    def path_of(ts, ctx):
        # ts: tokens forming a query; returns absolute symbolic path or None
        if not ts:
            return None
        p = list(ctx)
        j = 0
        if ts[0][0] == "var":
            nm = ts[0][1][1:]
            if not params:
                return ("@root",)
            if nm in params:
                p = ["@" + nm]
            elif not params:
                p = ["@root"]
            else:
                return None
            j = 1
        elif ts[0] == ("id", "this"):
            j = 1
        elif ts[0] == ("id", "some"):
            return path_of(ts[1:], ctx)
        while j < len(ts):
            k, v = ts[j]
            if k == "op" and v == ".":
                j += 1
                continue
            if k == "op" and v == "[":
                # [*] or [n] or filter
                if j + 2 < len(ts) and ts[j + 2] == ("op", "]") and ts[j + 1][1] in ("*",) :
                    p.append("*")
                    j += 3
                    continue
                if j + 2 < len(ts) and ts[j + 2] == ("op", "]") and ts[j + 1][0] == "lit":
                    p.append("*")
                    j += 3
                    continue
                return tuple(p)
            if k == "op" and v == "*":
                p.append("*")
                j += 1
                continue
            if k == "id" and v not in ("this",):
                p.append(v)
                j += 1
                continue
            if k == "lit" and isinstance(v, str) and j > 0:
                p.append(v)
                j += 1
                continue
            if k == "var" and v[1:] in consts:
                return None
            break
        return tuple(p)

    def flush(stmt, ctx):
        # split a statement into a clause: QUERY OP VALUE, or a call
        ts = [t for t in stmt if t[0] != "nl"]
        while ts and ts[0][0] == "id" and ts[0][1] in ("or", "OR", "not", "some", "when"):
            ts = ts[1:]
        if not ts:
            return
        if ts[0][0] == "id" and ts[0][1] in callables and len(ts) > 1 and ts[1] == ("op", "("):
            args = []
            cur = []
            depth = 0
            for t in ts[2:]:
                if t == ("op", "(") :
                    depth += 1
                if t == ("op", ")"):
                    if depth == 0:
                        break
                    depth -= 1
                if t == ("op", ",") and depth == 0:
                    args.append(cur)
                    cur = []
                    continue
                cur.append(t)
            args.append(cur)
            argpaths = []
            for a in args:
                if a and a[0][0] == "lit":
                    argpaths.append(("lit", a[0][1]))
                elif a and a[0] == ("var", "%INPUT_DOCUMENT") and len(a) == 1:
                    argpaths.append(None)
                else:
                    argpaths.append(path_of(a, ctx))
            out.append(("call", ts[0][1], argpaths))
            return
        # find operator
        for j, (k, v) in enumerate(ts):
            low = v.lower() if isinstance(v, str) else v
            if (k == "op" and v in ("==", "!=", ">=", "<=", "<", ">")) or (k == "id" and low in ("in",)) \
                    or (k == "id" and low in UNARY_OPS):
                neg = any(t in (("id", "not"), ("op", "!")) for t in ts[max(0, j - 1):j])
                q = [t for t in ts[:j] if t not in (("id", "not"), ("op", "!"))]
                p = path_of(q, ctx)
                if p is None:
                    return
                opn = low if k == "id" else v
                if k == "op" and v == "!" :
                    continue
                val = None
                if opn not in UNARY_OPS:
                    val, _ = parse_literal(ts, j + 1, consts)
                    if isinstance(val, str) and val.startswith("%"):
                        val = None
                out.append(("clause", p, ("not " if neg else "") + opn, val))
                return

    while i < len(body):
        k, v = body[i]
        if k == "op" and v in ("{", "["):
            # block or filter: the pending tokens name the context
            ts = [t for t in pending if t[0] != "nl"]
            is_when = bool(ts) and ts[0] == ("id", "when")
            while ts and ts[0][0] == "id" and ts[0][1] in ("or", "OR", "some", "not"):
                ts = ts[1:]
            if v == "[" and i + 2 < len(body) and body[i + 2] == ("op", "]") and (body[i + 1][1] == "*" or body[i + 1][0] == "lit"):
                pending.extend(body[i:i + 3])
                i += 3
                continue
            if v == "[" and ts and ts[-1][0] == "op" and ts[-1][1] in ("==", "!=", ",", "(", "[") or (v == "[" and ts and ts[-1][0] == "id" and ts[-1][1].lower() == "in"):
                # list literal
                pending.append((k, v))
                depth = 1
                i += 1
                while i < len(body) and depth:
                    pending.append(body[i])
                    if body[i] == ("op", "["):
                        depth += 1
                    elif body[i] == ("op", "]"):
                        depth -= 1
                    i += 1
                continue
            if is_when:
                flush(pending, stack[-1])
                ctx = stack[-1]
            else:
                p = path_of(ts, stack[-1]) if ts else None
                ctx = p if p is not None else stack[-1]
                if ts and ts[0][0] == "id" and ts[0][1] in callables:
                    flush(pending, stack[-1])
                    ctx = stack[-1]
            stack.append(ctx)
            pending = []
            i += 1
            continue
        if k == "op" and v in ("}", "]"):
            flush(pending, stack[-1])
            pending = []
            if len(stack) > 1:
                stack.pop()
            i += 1
            continue
        if k == "nl":
            # statement boundary unless the line ends with 'or'
            ts = [t for t in pending if t[0] != "nl"]
            if ts and not (ts[-1][0] == "id" and ts[-1][1] in ("or", "OR")) and not (ts[-1] == ("op", ",")) and not (ts[-1] == ("op", "(")):
                depth = sum(1 for t in ts if t == ("op", "(")) - sum(1 for t in ts if t == ("op", ")"))
                if depth <= 0:
                    flush(pending, stack[-1])
                    pending = []
            i += 1
            continue
        if k == "id" and v in ("or", "OR"):
            flush(pending, stack[-1])
            pending = []
            i += 1
            continue
        pending.append((k, v))
        i += 1
    flush(pending, stack[-1])
    return out


def expand_skeleton(code):
    """Absolute (path, op, value) triples reachable from the primary rules (path relative to properties)."""
    consts, rules = skeleton(code)
    callables = set(k for k in rules if not k.startswith("@primary:"))
    analysed = {}
    for k, decls in rules.items():
        analysed[k] = [(params, analyse_body(params, body, consts, callables)) for params, body in decls]
    result = []

    def subst(p, mapping):
        if p is None or not p:
            return None
        head = p[0]
        if head in mapping:
            base = mapping[head]
            if base is None:
                return None
            return tuple(base) + tuple(p[1:])
        return None

    def run(key, mapping, depth):
        if depth > 8:
            return
        for params, items in analysed.get(key, []):
            for it in items:
                if it[0] == "clause":
                    ap = subst(it[1], mapping)
                    if ap is not None:
                        result.append((ap, it[2], it[3]))
                else:
                    callee = it[1]
                    cparams = analysed.get(callee, [([], [])])[0][0]
                    m = {}
                    for pi, pn in enumerate(cparams):
                        a = it[2][pi] if pi < len(it[2]) else None
                        if a is None or (isinstance(a, tuple) and a and a[0] == "lit"):
                            m["@" + pn] = None
                        else:
                            m["@" + pn] = subst(a, mapping)
                    run(callee, m, depth + 1)

    for k in sorted(analysed):
        if k.startswith("@primary:"):
            run(k, {"@root": ()}, 0)
    return result


def skeleton_value(op, val, code, key):
    if op in ("==", "in"):
        if isinstance(val, list):
            val = val[0] if val else None
        if val is None:
            return None
        return literal_value(val)
    if op in (">=", "<=") and isinstance(val, (int, float)):
        return val
    if op == ">" and isinstance(val, (int, float)):
        return val + 1
    if op == "<" and isinstance(val, (int, float)):
        return val - 1
    if op in ("exists", "not empty"):
        return guess(code, key) if key and key != "*" else "example"
    if op == "is_list":
        return ["example"]
    if op == "is_struct":
        return {}
    if op == "is_string":
        return "example"
    if op == "is_bool":
        return True
    if op == "is_int":
        return 1
    return None


def put_path(doc, path, value, overwrite=False):
    """Place value at a symbolic path ('*' = list element). Returns False on conflict."""
    cur = doc
    for idx, seg in enumerate(path):
        last = idx == len(path) - 1
        nxt = path[idx + 1] if not last else None
        if seg == "*":
            if not isinstance(cur, list):
                return False
            if not cur:
                cur.append({} if not last and nxt != "*" else ([] if not last else None))
            if last:
                if overwrite or cur[0] is None or cur[0] == {}:
                    cur[0] = value
                return True
            if nxt == "*" and not isinstance(cur[0], list):
                cur[0] = []
            if nxt != "*" and not isinstance(cur[0], dict):
                if overwrite:
                    cur[0] = {}
                else:
                    return False
            cur = cur[0]
            continue
        if not isinstance(cur, dict):
            return False
        if last:
            if seg not in cur or overwrite or cur[seg] in ({}, [], "example"):
                if isinstance(cur.get(seg), (dict, list)) and cur.get(seg) and not overwrite:
                    return True
                cur[seg] = value
            return True
        want = list if nxt == "*" else dict
        if seg not in cur or not isinstance(cur[seg], want):
            if seg in cur and not overwrite and cur[seg] not in ({}, [], "example", None) and not isinstance(cur[seg], (dict, list)):
                return False
            cur[seg] = [] if want is list else {}
        cur = cur[seg]
    return True


def skeleton_seeds(code):
    trip = expand_skeleton(code)
    assigns = []
    for path, op, val in trip:
        if not path:
            continue
        v = skeleton_value(op, val, code, path[-1])
        if v is None:
            continue
        assigns.append((0 if op in ("==", "in", ">=", "<=", "<", ">") else 1, path, v))
    assigns = [(p, v) for _, p, v in sorted(assigns, key=lambda a: a[0])]
    seeds = []
    allp = {}
    for path, v in assigns:
        put_path(allp, path, copy.deepcopy(v))
    seeds.append(allp)
    seen = set([json.dumps(allp, sort_keys=True)])
    for path, v in assigns[:80]:
        d = copy.deepcopy(allp)
        put_path(d, path, copy.deepcopy(v), overwrite=True)
        one = {}
        put_path(one, path, copy.deepcopy(v))
        for x in (d, one):
            k = json.dumps(x, sort_keys=True)
            if k not in seen:
                seen.add(k)
                seeds.append(x)
    return seeds


def hint_kind(code, key):
    k = re.escape(key)
    if re.search(r"\b%s\s*\[\s*\*\s*\]\s*\{" % k, code) or re.search(r"\b%s\s*\[\s*\*\s*\]\s*\." % k, code):
        return "listdict"
    if re.search(r"\b%s\s+is_list" % k, code) or re.search(r"\b%s\s*\[" % k, code):
        return "list"
    if re.search(r"\b%s\s+is_struct" % k, code) or re.search(r"\b%s\s*\{" % k, code) or re.search(r"\b%s\s*\.\s*[A-Z'\"]" % k, code):
        return "struct"
    if re.search(r"\b%s\s+is_bool" % k, code) or re.search(r"\b%s\s*(==|!=)\s*(true|false)" % k, code):
        return "bool"
    if re.search(r"\b%s\s+is_int" % k, code) or re.search(r"\b%s\s*(==|!=|>=|<=|<|>)\s*-?\d" % k, code):
        return "int"
    return "string"


def guess(code, key):
    kind = hint_kind(code, key)
    return {"listdict": [{}], "list": ["example"], "struct": {}, "bool": True, "int": 1}.get(kind, "example-" + key.lower())


# --------------------------------------------------------------------------
# Regex sampling
# --------------------------------------------------------------------------
def py_regex(rx):
    return rx.replace("\\z", "\\Z")


def regex_matches(rx, s):
    try:
        return re.search(py_regex(rx), s) is not None
    except re.error:
        return None


def sample_regex(rx):
    """Produce a string the regex finds a match in (best effort)."""
    pos = [0]
    src = rx
    if src.startswith("(?i)"):
        src = src[4:]
    src = src.replace("(?i)", "")

    def parse_alt():
        alts = [parse_seq()]
        while pos[0] < len(src) and src[pos[0]] == "|":
            pos[0] += 1
            alts.append(parse_seq())
        return alts[0]

    def parse_class():
        # at '[' already consumed
        neg = False
        if pos[0] < len(src) and src[pos[0]] == "^":
            neg = True
            pos[0] += 1
        chars = []
        first = True
        while pos[0] < len(src) and (src[pos[0]] != "]" or first):
            first = False
            c = src[pos[0]]
            if c == "\\" and pos[0] + 1 < len(src):
                e = src[pos[0] + 1]
                pos[0] += 2
                chars.append({"d": "1", "w": "a", "s": " "}.get(e, e))
                continue
            if pos[0] + 2 < len(src) and src[pos[0] + 1] == "-" and src[pos[0] + 2] != "]":
                chars.append(c)
                pos[0] += 3
                continue
            chars.append(c)
            pos[0] += 1
        pos[0] += 1
        if neg:
            for c in "aZ1_x":
                if c not in chars:
                    return c
            return "%"
        return chars[0] if chars else "a"

    def parse_seq():
        out = []
        while pos[0] < len(src) and src[pos[0]] not in "|)":
            c = src[pos[0]]
            pos[0] += 1
            if c in "^$":
                continue
            if c == "\\":
                e = src[pos[0]] if pos[0] < len(src) else ""
                pos[0] += 1
                if e in "AzZbB":
                    continue
                atom = {"d": "1", "w": "a", "s": " ", "D": "a", "W": "-", "S": "a"}.get(e, e)
            elif c == ".":
                atom = "a"
            elif c == "[":
                atom = parse_class()
            elif c == "(":
                if src.startswith("?:", pos[0]):
                    pos[0] += 2
                atom = parse_alt()
                pos[0] += 1
            else:
                atom = c
            # quantifier
            rep = 1
            if pos[0] < len(src):
                q = src[pos[0]]
                if q in "*?":
                    rep = 0 if q == "?" else 0
                    pos[0] += 1
                elif q == "+":
                    rep = 1
                    pos[0] += 1
                elif q == "{":
                    m = re.match(r"\{(\d+)(,(\d*))?\}", src[pos[0]:])
                    if m:
                        rep = max(int(m.group(1)), 0)
                        pos[0] += m.end()
                if pos[0] < len(src) and src[pos[0]] == "?":
                    pos[0] += 1
            if c == "." and rep == 0:
                rep = 0
            out.append(atom * rep)
        return "".join(out)

    try:
        s = parse_alt()
    except Exception:
        s = "a"
    ok = regex_matches(rx, s)
    if ok is False:
        for alt in ("a", "", "example", "1"):
            if regex_matches(rx, alt):
                return alt
    return s


def nonmatching(rx):
    for s in ("nonmatching-value", "x", "Z", "zzz", "0", "-"):
        if regex_matches(rx, s) is False:
            return s
    return "nonmatching-value"


def is_regex_literal(v):
    return isinstance(v, str) and len(v) >= 2 and v.startswith("/") and v.endswith("/")


def literal_value(v):
    if is_regex_literal(v):
        return sample_regex(v[1:-1])
    return copy.deepcopy(v)


# --------------------------------------------------------------------------
# Oracle driving
# --------------------------------------------------------------------------
def run_oracle(rule_path, docs, workdir):
    """docs: list of (ext, text). Returns list of result dicts (or None)."""
    d = tempfile.mkdtemp(dir=workdir)
    names = []
    for i, (ext, text) in enumerate(docs):
        n = os.path.join(d, "c%05d.%s" % (i, ext))
        with open(n, "w") as f:
            f.write(text)
        names.append(n)
    res = {}
    try:
        p = subprocess.run([ORACLE, "validate", "-r", rule_path, "-d", d, "-S", "none", "-o", "json", "-z"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=600)
        out = json.loads(p.stdout.decode("utf-8", "replace") or "[]")
        for r in out:
            res[r["name"]] = r
    except Exception:
        out = None
    if len(res) != len(names):
        # fall back to one run per document
        for n in names:
            if n in res:
                continue
            try:
                p = subprocess.run([ORACLE, "validate", "-r", rule_path, "-d", n, "-S", "none", "-o", "json", "-z"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
                o = json.loads(p.stdout.decode("utf-8", "replace") or "[]")
                if o:
                    res[n] = o[0]
            except Exception:
                pass
    shutil.rmtree(d, ignore_errors=True)
    return [res.get(n) for n in names]


def rule_status(result, rule):
    if result is None:
        return "ERROR"
    if any(r["Rule"]["name"] == rule for r in result.get("not_compliant", [])):
        return "FAIL"
    if rule in result.get("compliant", []):
        return "PASS"
    return "SKIP"


# --------------------------------------------------------------------------
# Failure tree -> repair operations
# --------------------------------------------------------------------------
def failure_tree(result, rule):
    kids = []
    for r in result.get("not_compliant", []):
        if r["Rule"]["name"] == rule:
            kids.append(conv(r))
    return ("and", kids)


def conv(node):
    if "Rule" in node:
        return ("and", [conv(c) for c in node["Rule"].get("checks", [])])
    if "Disjunctions" in node:
        return ("or", [conv(c) for c in node["Disjunctions"].get("checks", [])])
    if "Clause" in node:
        return ("leaf", node["Clause"])
    if "Block" in node:
        return ("leaf", {"Block": node["Block"]})
    return ("and", [])


def count_leaves(t):
    if t[0] == "leaf":
        return 1
    return sum(count_leaves(c) for c in t[1])


def choose_leaves(t, mode):
    if t[0] == "leaf":
        return [t[1]]
    if t[0] == "and":
        out = []
        for c in t[1]:
            out.extend(choose_leaves(c, mode))
        return out
    alts = t[1]
    if not alts:
        return []
    if mode == "min":
        best = min(range(len(alts)), key=lambda i: count_leaves(alts[i]))
        return choose_leaves(alts[best], mode)
    idx = min(mode, len(alts) - 1)
    return choose_leaves(alts[idx], mode)


def segs_of(path):
    if not path:
        return None
    return path.split("/")[1:]


def get_at(doc, segs):
    cur = doc
    for s in segs:
        if isinstance(cur, dict):
            if s not in cur:
                return None, False
            cur = cur[s]
        elif isinstance(cur, list):
            try:
                cur = cur[int(s)]
            except (ValueError, IndexError):
                return None, False
        else:
            return None, False
    return cur, True


def set_at(doc, segs, value):
    if not segs:
        return False
    cur = doc
    for s in segs[:-1]:
        if isinstance(cur, dict):
            if s not in cur or not isinstance(cur[s], (dict, list)):
                cur[s] = {}
            cur = cur[s]
        elif isinstance(cur, list):
            try:
                cur = cur[int(s)]
            except (ValueError, IndexError):
                return False
        else:
            return False
    last = segs[-1]
    if isinstance(cur, dict):
        cur[last] = value
        return True
    if isinstance(cur, list):
        try:
            cur[int(last)] = value
            return True
        except (ValueError, IndexError):
            return False
    return False


def del_at(doc, segs):
    parent, ok = get_at(doc, segs[:-1])
    if not ok:
        return False
    if isinstance(parent, dict) and segs[-1] in parent:
        del parent[segs[-1]]
        return True
    if isinstance(parent, list):
        try:
            del parent[int(segs[-1])]
            return True
        except (ValueError, IndexError):
            return False
    return False


def allowed(segs, ctx):
    if segs is None:
        return False
    if ctx["form"] == "hook":
        return len(segs) >= 2 and segs[0] in ctx["types"] and segs[1] == "resourceProperties"
    return len(segs) >= 2 and segs[0] == "Resources" and segs[1] in ctx["resources"]


def first_token(q):
    q = q.strip().lstrip(".")
    if q.startswith("'") or q.startswith('"'):
        e = q.find(q[0], 1)
        return q[1:e] if e > 0 else None
    m = re.match(r"([A-Za-z0-9_:\-@]+)", q)
    return m.group(1) if m else None


def nonempty_of(v, code, key):
    if isinstance(v, list):
        g = guess(code, key) if key else "example"
        if isinstance(g, list):
            return g
        return ["example"]
    if isinstance(v, dict):
        return {"Key": "example"}
    return "example"


def different(v):
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return v + 1
    if isinstance(v, float):
        return v + 1.0
    if isinstance(v, str):
        if is_regex_literal(v):
            return nonmatching(v[1:-1])
        return v + "-other"
    if isinstance(v, list):
        return []
    if isinstance(v, dict):
        return "other"
    return "other"


def ops_for_leaf(doc, leaf, ctx):
    code = ctx["code"]
    ops = []
    if "Block" in leaf:
        un = leaf["Block"].get("unresolved")
        if un:
            ops += ops_unresolved(doc, un, ctx)
        return ops
    kind = "Unary" if "Unary" in leaf else ("Binary" if "Binary" in leaf else None)
    if kind is None:
        return ops
    body = leaf[kind]
    chk = body.get("check", {})
    if "UnResolved" in chk:
        un = chk["UnResolved"].get("value", {})
        return ops_unresolved(doc, un, ctx)
    if "Resolved" in chk and kind == "Unary":
        r = chk["Resolved"]
        val = r.get("value", {})
        segs = segs_of(val.get("path"))
        if not allowed(segs, ctx):
            return ops
        comp = r.get("comparison", ["", False])
        op, neg = comp[0], comp[1]
        cur = val.get("value")
        key = segs[-1] if segs else None
        if op == "Exists":
            ops.append(("del", segs) if neg else ("set", segs, guess(code, key)))
        elif op == "Empty":
            if neg:
                ops.append(("set", segs, nonempty_of(cur, code, key)))
            else:
                ops.append(("set", segs, [] if isinstance(cur, list) else ({} if isinstance(cur, dict) else "")))
        else:
            o = op.lower()
            if not neg:
                if "string" in o:
                    nv = "example"
                elif "list" in o:
                    nv = [cur] if cur is not None and not isinstance(cur, list) else ["example"]
                elif "map" in o or "struct" in o:
                    nv = {}
                elif "bool" in o:
                    nv = True
                elif "int" in o:
                    nv = 1
                elif "float" in o:
                    nv = 1.5
                elif "null" in o:
                    nv = None
                else:
                    return ops
            else:
                nv = 1 if "string" in o else "example"
            ops.append(("set", segs, nv))
        return ops
    if kind == "Binary" and ("Resolved" in chk or "InResolved" in chk):
        r = chk.get("Resolved") or chk.get("InResolved")
        frm = r.get("from", {})
        segs = segs_of(frm.get("path"))
        comp = r.get("comparison", ["", False])
        op, neg = comp[0], comp[1]
        to = r.get("to")
        if isinstance(to, list):
            tvals = [t.get("value") for t in to if isinstance(t, dict)]
        elif isinstance(to, dict):
            tvals = [to.get("value")]
        else:
            tvals = []
        if not allowed(segs, ctx):
            # maybe the right-hand side is the data (e.g. %a IN %data)
            return ops
        cur = frm.get("value")
        if op in ("Eq", "In"):
            if not neg:
                cands = []
                for tv in tvals:
                    if isinstance(tv, list) and op == "In":
                        cands.extend(tv)
                    else:
                        cands.append(tv)
                if cands:
                    # prefer a value of the same type as the current one
                    pick = cands[0]
                    for c in cands:
                        if type(literal_value(c)) is type(cur):
                            pick = c
                            break
                    ops.append(("set", segs, literal_value(pick)))
            else:
                bad = []
                for tv in tvals:
                    if isinstance(tv, list) and op == "In":
                        bad.extend(tv)
                    else:
                        bad.append(tv)
                nv = different(cur)
                tries = 0
                while tries < 5 and any(nv == b or (is_regex_literal(b) and isinstance(nv, str) and regex_matches(b[1:-1], nv)) for b in bad):
                    nv = different(nv) if not isinstance(nv, str) else nv + "x"
                    tries += 1
                ops.append(("set", segs, nv))
        elif op in ("Lt", "Le", "Gt", "Ge") and tvals and isinstance(tvals[0], (int, float)) and not isinstance(tvals[0], bool):
            t = tvals[0]
            want = {"Lt": "lt", "Le": "le", "Gt": "gt", "Ge": "ge"}[op]
            if neg:
                want = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt"}[want]
            one = 1 if isinstance(t, int) else 1.0
            nv = {"lt": t - one, "le": t, "gt": t + one, "ge": t}[want]
            ops.append(("set", segs, nv))
        return ops
    return ops


def ops_unresolved(doc, un, ctx):
    tt = un.get("traversed_to", {})
    segs = segs_of(tt.get("path"))
    if not allowed(segs, ctx):
        # template resource without Properties
        if ctx["form"] == "template" and segs and len(segs) == 2 and segs[0] == "Resources" and segs[1] in ctx["resources"]:
            q = first_token(un.get("remaining_query", "") or "")
            if q == "Properties":
                return [("set", segs + ["Properties"], {})]
        return []
    q = first_token(un.get("remaining_query", "") or "")
    if not q or q == "*":
        return []
    cur, ok = get_at(doc, segs)
    g = guess(ctx["code"], q)
    if isinstance(cur, dict):
        return [("set", segs + [q], g)]
    if isinstance(cur, list):
        if not cur:
            return [("set", segs, [{q: g}])]
        return [("set", segs + [str(i), q], g) for i, e in enumerate(cur) if isinstance(e, dict)] or \
               [("set", segs, [{q: g}])]
    if q == "Ref" or q.startswith("Fn::"):
        return []
    if len(segs) <= 2:
        return []
    return [("set", segs, {q: g})]


def apply_ops(doc, ops):
    d = copy.deepcopy(doc)
    changed = False
    for op in ops:
        if op[0] == "set":
            cur, ok = get_at(d, op[1])
            if ok and cur == op[2]:
                continue
            changed |= set_at(d, op[1], copy.deepcopy(op[2]))
        elif op[0] == "del":
            changed |= del_at(d, op[1])
    return d if changed else None


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------
PLAIN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-\.]*$")
RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def y_key(k):
    if PLAIN_RE.match(k) and k.lower() not in RESERVED:
        return k
    return json.dumps(k)


def y_scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    return json.dumps(v)


def y_plain_or_quoted(s):
    if isinstance(s, str) and PLAIN_RE.match(s) and s.lower() not in RESERVED:
        return s
    return y_scalar(s)


def is_intrinsic(v):
    return isinstance(v, dict) and len(v) == 1 and next(iter(v)) in INTRINSIC_KEYS


def y_flow(v):
    if isinstance(v, list):
        return "[" + ", ".join(y_flow(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(json.dumps(k) + ": " + y_flow(x) for k, x in v.items()) + "}"
    return y_scalar(v)


def y_inline(v, dotted):
    """Return (inline text, block lines or None) for a value placed after 'key:' or '-'."""
    if is_intrinsic(v):
        k = next(iter(v))
        arg = v[k]
        tag = "!" + (k[4:] if k.startswith("Fn::") else k)
        if k == "Fn::GetAtt" and dotted and isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg):
            return tag + " " + arg[0] + "." + arg[1], None
        if not isinstance(arg, (dict, list)):
            return tag + " " + y_plain_or_quoted(arg), None
        if isinstance(arg, list):
            if all(not isinstance(a, (dict, list)) for a in arg):
                return tag + " " + y_flow(arg), None
            return tag, y_block(arg, dotted)
        # mapping argument: tags on mappings are dropped by cfn-guard, use the long form
    if isinstance(v, dict):
        if not v:
            return "{}", None
        return "", y_block(v, dotted)
    if isinstance(v, list):
        if not v:
            return "[]", None
        return "", y_block(v, dotted)
    return y_scalar(v), None


def y_block(v, dotted):
    lines = []
    if isinstance(v, dict):
        for k, x in v.items():
            inl, blk = y_inline(x, dotted)
            lines.append(y_key(k) + ":" + (" " + inl if inl else ""))
            if blk:
                lines.extend("  " + l for l in blk)
    else:
        for x in v:
            inl, blk = y_inline(x, dotted)
            if inl or not blk:
                lines.append("- " + inl)
                if blk:
                    lines.extend("    " + l for l in blk)
            else:
                lines.append("- " + blk[0])
                lines.extend("  " + l for l in blk[1:])
    return lines


def to_yaml(doc, dotted=False):
    return "\n".join(y_block(doc, dotted)) + "\n"


def to_json(doc):
    return json.dumps(doc, indent=2) + "\n"


# --------------------------------------------------------------------------
# Per-rule-file generation
# --------------------------------------------------------------------------
def camel(s):
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", s) if p)


def short(t):
    return t.split("::")[-1]


def hook_doc(t, props):
    return {t: {"resourceProperties": props}}


def template_doc(resmap):
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resmap}


class Ctx(dict):
    pass


def solve(rule_path, rule, seeds, ctx, workdir, iters=16, beam=4):
    """Beam search for a PASS document. Returns (doc, status) of the best state."""
    cache = {}

    def evaluate(docs):
        todo = []
        for d in docs:
            k = json.dumps(d, sort_keys=True)
            if k not in cache:
                todo.append((k, d))
        # dedupe
        uniq = {}
        for k, d in todo:
            uniq.setdefault(k, d)
        keys = sorted(uniq)
        if keys:
            res = run_oracle(rule_path, [("json", to_json(uniq[k])) for k in keys], workdir)
            for k, r in zip(keys, res):
                st = rule_status(r, rule)
                tree = failure_tree(r, rule) if st == "FAIL" else ("and", [])
                cache[k] = (st, tree)
        return [cache[json.dumps(d, sort_keys=True)] for d in docs]

    def score(st, tree):
        if st == "PASS":
            return -1
        if st != "FAIL":
            return 10 ** 6
        return count_leaves(tree)

    states = list(seeds)
    evs = evaluate(states)
    scored = sorted(((score(*e), i) for i, e in enumerate(evs)))
    best = (scored[0][0], states[scored[0][1]], evs[scored[0][1]][0])
    frontier = [states[i] for s, i in scored[:beam] if s < 10 ** 6]
    seen = set(json.dumps(s, sort_keys=True) for s in states)
    for _ in range(iters):
        if best[0] == -1 or not frontier:
            break
        children = []
        for st_doc in frontier:
            st, tree = cache[json.dumps(st_doc, sort_keys=True)]
            if st != "FAIL":
                continue
            for mode in ("min", 0, 1, 2, 3):
                leaves = choose_leaves(tree, mode)
                ops = []
                for lf in leaves:
                    ops += ops_for_leaf(st_doc, lf, ctx)
                if ops:
                    c = apply_ops(st_doc, ops)
                    if c is not None:
                        children.append(c)
                    c1 = apply_ops(st_doc, ops[:1])
                    if c1 is not None:
                        children.append(c1)
        nxt = []
        for c in children:
            k = json.dumps(c, sort_keys=True)
            if k not in seen:
                seen.add(k)
                nxt.append(c)
        if not nxt:
            break
        evs = evaluate(nxt)
        scored = sorted(((score(*e), i) for i, e in enumerate(evs)))
        if scored[0][0] < best[0]:
            best = (scored[0][0], nxt[scored[0][1]], evs[scored[0][1]][0])
        frontier = [nxt[i] for s, i in scored[:beam] if s < 10 ** 6]
    doc, st = best[1], best[2]
    if st == "PASS":
        doc = minimise(doc, ctx, evaluate)
    return doc, st


def prop_root(doc, ctx):
    if ctx["form"] == "hook":
        return [ctx["types"][0], "resourceProperties"]
    return ["Resources", ctx["resources"][0], "Properties"]


def minimise(doc, ctx, evaluate):
    """Drop properties that are not needed for PASS (keeps baselines small)."""
    root = prop_root(doc, ctx)
    for _ in range(3):
        props, ok = get_at(doc, root)
        if not ok or not isinstance(props, (dict, list)):
            return doc
        paths = [list(p) for p in leaf_paths(props, limit=60)]
        trials = []
        for p in paths:
            d = copy.deepcopy(doc)
            if del_at(d, root + p):
                trials.append((p, d))
        if not trials:
            return doc
        evs = evaluate([d for p, d in trials])
        good = [(p, d) for (p, d), e in zip(trials, evs) if e[0] == "PASS"]
        if not good:
            return doc
        # remove all removable top-most paths together, verify, else greedily one
        tops = []
        for p, d in good:
            if not any(p[:len(q)] == q for q in tops):
                tops.append(p)
        comb = copy.deepcopy(doc)
        for p in sorted(tops, key=lambda p: [int(x) if x.isdigit() else -1 for x in p], reverse=True):
            del_at(comb, root + p)
        if evaluate([comb])[0][0] == "PASS":
            doc = comb
        else:
            doc = good[0][1]
    return doc


def explore_seeds(rule_path, rule, t, info, workdir, form, wrap):
    """Seeds for the search: empty properties plus properties guessed from the rule text."""
    code = info["text"]
    seeds = [wrap({})]
    try:
        seeds += [wrap(p) for p in skeleton_seeds(code)]
    except Exception as e:  # heuristics only
        sys.stderr.write("skeleton failed: %r\n" % (e,))
    names = info["names"][:60]
    full = {}
    for n in names:
        full[n] = guess(code, n)
    seeds.append(wrap(full))
    for n in names:
        seeds.append(wrap({n: guess(code, n)}))
        seeds.append(wrap({n: True}))
        seeds.append(wrap({n: "example"}))
    for s in info["strings"][:30]:
        for n in names[:20]:
            seeds.append(wrap({n: s}))
    return seeds


def leaf_paths(v, prefix=(), out=None, limit=40):
    if out is None:
        out = []
    if len(out) >= limit:
        return out
    if isinstance(v, dict):
        for k in v:
            out.append(prefix + (k,))
            if not is_intrinsic(v[k]):
                leaf_paths(v[k], prefix + (k,), out, limit)
    elif isinstance(v, list):
        for i, x in enumerate(v[:3]):
            out.append(prefix + (str(i),))
            leaf_paths(x, prefix + (str(i),), out, limit)
    return out[:limit]


def mutate_value(v, rng):
    """List of (kind, new value) mutations of a value (None value => delete)."""
    muts = []
    if isinstance(v, bool):
        muts += [("value", not v), ("type", "true" if v else "false")]
    elif isinstance(v, int):
        muts += [("value", 0), ("value", -1), ("value", v + 100000), ("type", str(v))]
    elif isinstance(v, float):
        muts += [("value", 0.0), ("type", int(v))]
    elif isinstance(v, str):
        muts += [("value", "invalid-value"), ("value", ""), ("value", "   "), ("type", 12345), ("type", [v])]
    elif isinstance(v, list):
        muts += [("empty", []), ("type", "not-a-list")]
        if v:
            first = v[0]
            if isinstance(first, dict) and first:
                k0 = sorted(first)[0]
                bad = copy.deepcopy(first)
                del bad[k0]
                muts.append(("mixed", [copy.deepcopy(first), bad]))
                bad2 = copy.deepcopy(first)
                for km, nv in mutate_value(first[k0], rng)[:1]:
                    bad2[k0] = nv
                muts.append(("mixed", [copy.deepcopy(first), bad2]))
            elif not isinstance(first, (dict, list)):
                muts.append(("mixed", [copy.deepcopy(first), "invalid-value"]))
                muts.append(("mixed", [copy.deepcopy(first), {"Ref": "SomeParameter"}]))
    elif isinstance(v, dict):
        if not is_intrinsic(v):
            muts += [("empty", {}), ("type", "not-a-struct"), ("type", [copy.deepcopy(v)])]
    muts += [("intrinsic", {"Ref": "SomeParameter"}),
             ("intrinsic", {"Fn::GetAtt": ["SomeResource", "Arn"]}),
             ("intrinsic", {"Fn::If": ["IsProduction", copy.deepcopy(v), {"Ref": "AWS::NoValue"}]}),
             ("intrinsic", {"Fn::Sub": "${AWS::StackName}-value"}),
             ("intrinsic", {"Fn::Join": ["-", ["a", {"Ref": "AWS::Region"}]]}),
             ("intrinsic", {"Fn::ImportValue": "SharedExport"})]
    if isinstance(v, (str, bool, int)):
        muts.append(("intrinsic", {"Fn::If": ["IsProduction", copy.deepcopy(v), "other-value"]}))
    return muts


def gen_rule_file(rel):
    rule_path = os.path.join(RULES, rel)
    info = harvest(rule_path)
    code = info["text"]
    rule = info["rule_names"][0] if info["rule_names"] else None
    rid = os.path.basename(rel)[:-len(".guard")]
    prefix = camel(rid.replace("ct-", ""))
    rng = random.Random("seed:" + rid)
    workdir = tempfile.mkdtemp(prefix="genct-")
    report = {"rule_file": rel, "rule": rule, "types": info["hook_types"], "solved": {}}
    cands = []  # (form, kind, doc, ext, text)
    try:
        types = info["hook_types"]
        base_hooks = {}
        base_tmpls = {}
        guess_seeds = {}
        hand_all = HAND_SEEDS.get(rel, {})
        hand = {k: v for k, v in hand_all.items() if not k.startswith("@")}
        hand_res = hand_all.get("@resources", {})
        for ti, t in enumerate(types):
            # ---- hook form
            ctx = Ctx(form="hook", types=[t], resources=[], code=code)
            seeds = explore_seeds(rule_path, rule, t, info, workdir, "hook", lambda p, t=t: hook_doc(t, p))
            guess_seeds[t] = (seeds, None)
            seeds = [hook_doc(t, copy.deepcopy(hp)) for hp in hand.get(t, [])] + seeds
            doc, st = solve(rule_path, rule, seeds, ctx, workdir)
            report["solved"]["hook:" + t] = st
            base_hooks[t] = (doc, st)
            # ---- template form, seeded with the hook solution
            rname = prefix + short(t)
            props = doc[t]["resourceProperties"] if isinstance(doc.get(t), dict) else {}
            ctx = Ctx(form="template", types=[t], resources=[rname], code=code)

            def wrapt(p, rname=rname, t=t):
                return template_doc({rname: {"Type": t, "Properties": p}})
            tguess = explore_seeds(rule_path, rule, t, info, workdir, "template", wrapt)
            guess_seeds[t] = (guess_seeds[t][0], tguess)
            hseeds = []
            for hp in hand.get(t, []):
                hd = wrapt(copy.deepcopy(hp))
                hd["Resources"].update(copy.deepcopy(hand_res))
                hseeds.append(hd)
            tseeds = hseeds + [wrapt(copy.deepcopy(props))] + tguess[:40]
            tdoc, tst = solve(rule_path, rule, tseeds, ctx, workdir)
            report["solved"]["template:" + t] = tst
            base_tmpls[t] = (tdoc, tst, rname)

        # ---- candidates
        def hook_mutants(doc, t, basekind):
            out = [("hook", basekind, doc)]
            props = doc[t]["resourceProperties"]
            if not isinstance(props, dict):
                return out
            for p in leaf_paths(props):
                cur, ok = get_at(props, list(p))
                d = copy.deepcopy(doc)
                del_at(d[t]["resourceProperties"], list(p))
                out.append(("hook", "remove", d))
                for kind, nv in mutate_value(cur, rng):
                    d = copy.deepcopy(doc)
                    set_at(d[t]["resourceProperties"], list(p), nv)
                    out.append(("hook", kind, d))
            return out

        def tmpl_mutants(tdoc, t, rname, basekind):
            out = [("template", basekind, tdoc)]
            res = tdoc["Resources"][rname]
            tprops = res.get("Properties", {})
            if not isinstance(tprops, dict):
                return out
            for p in leaf_paths(tprops):
                cur, ok = get_at(tprops, list(p))
                d = copy.deepcopy(tdoc)
                del_at(d["Resources"][rname]["Properties"], list(p))
                out.append(("template", "remove", d))
                for kind, nv in mutate_value(cur, rng):
                    d = copy.deepcopy(tdoc)
                    set_at(d["Resources"][rname]["Properties"], list(p), nv)
                    out.append(("template", kind, d))
                # local references: valid (resource of a referenced type), wrong type, missing
                if not isinstance(cur, dict) or is_intrinsic(cur):
                    for rt in info["ref_types"][:4] + [UNRELATED_TYPE]:
                        lid = prefix + "Ref" + short(rt)
                        for refv in ({"Ref": lid}, {"Fn::GetAtt": [lid, "Arn"]}):
                            d = copy.deepcopy(tdoc)
                            d["Resources"][lid] = {"Type": rt, "Properties": {}}
                            nv = [refv] if isinstance(cur, list) else refv
                            set_at(d["Resources"][rname]["Properties"], list(p), nv)
                            out.append(("template", "localref" if rt != UNRELATED_TYPE else "localref-wrongtype", d))
                    d = copy.deepcopy(tdoc)
                    nv = {"Ref": prefix + "MissingResource"}
                    set_at(d["Resources"][rname]["Properties"], list(p), [nv] if isinstance(cur, list) else nv)
                    out.append(("template", "localref-missing", d))
                    d = copy.deepcopy(tdoc)
                    nv = {"Fn::GetAtt": [prefix + "MissingResource", "Arn"]}
                    set_at(d["Resources"][rname]["Properties"], list(p), [nv] if isinstance(cur, list) else nv)
                    out.append(("template", "localref-missing", d))
            return out

        for t in types:
            doc, st = base_hooks[t]
            props = doc[t]["resourceProperties"]
            cands.extend(hook_mutants(doc, t, "base"))
            cands.append(("hook", "noprops", {t: {"resourceProperties": {}}}))
            cands.append(("hook", "nullprops", {t: {"resourceProperties": None}}))
            cands.append(("hook", "missing-resourceProperties", {t: {"properties": copy.deepcopy(props)}}))
            cands.append(("hook", "other-type", hook_doc(UNRELATED_TYPE, copy.deepcopy(props))))

            tdoc, tst, rname = base_tmpls[t]
            cands.extend(tmpl_mutants(tdoc, t, rname, "base"))
            d = copy.deepcopy(tdoc)
            del d["Resources"][rname]["Properties"]
            cands.append(("template", "noprops", d))
            d = copy.deepcopy(tdoc)
            d["Resources"][rname]["Properties"] = {}
            cands.append(("template", "emptyprops", d))
            d = copy.deepcopy(tdoc)
            d["Resources"][prefix + "Second"] = copy.deepcopy(d["Resources"][rname])
            d["Resources"][prefix + "Second"]["Properties"] = {}
            cands.append(("template", "two-resources-mixed", d))
            d = copy.deepcopy(tdoc)
            d["Resources"][rname]["Type"] = UNRELATED_TYPE
            cands.append(("template", "other-type", d))

            # hand-written seeds (corpus/tools/ct_seeds.json) are kept unminimised as extra bases
            for hp in hand.get(t, []):
                cands.extend(hook_mutants(hook_doc(t, copy.deepcopy(hp)), t, "seed"))
                hd = template_doc({rname: {"Type": t, "Properties": copy.deepcopy(hp)}})
                hd["Resources"].update(copy.deepcopy(hand_res))
                cands.extend(tmpl_mutants(hd, t, rname, "seed"))
            # guesses from the rule text (they add properties the minimal baseline lacks)
            for form, seeds_t in (("hook", guess_seeds[t][0]), ("template", guess_seeds[t][1])):
                pool = seeds_t[1:]
                if len(pool) > 60:
                    pool = rng.sample(pool, 60)
                cands.extend((form, "guess", d) for d in pool)
        cands.append(("template", "no-resources", {"AWSTemplateFormatVersion": "2010-09-09", "Description": "empty"}))
        cands.append(("template", "empty-resources", {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}))
        if len(types) > 1:
            d = template_doc({})
            for t in types:
                tdoc, tst, rname = base_tmpls[t]
                d["Resources"].update(copy.deepcopy(tdoc["Resources"]))
            cands.append(("template", "all-types", d))

        # de-duplicate, cap, render
        uniq = []
        seen = set()
        for form, kind, doc in cands:
            k = form + json.dumps(doc, sort_keys=True)
            if k in seen:
                continue
            seen.add(k)
            uniq.append((form, kind, doc))
        base = [c for c in uniq if c[1] in ("base", "seed", "noprops", "other-type", "no-resources", "all-types")]
        rest = [c for c in uniq if c not in base]
        if len(rest) > 700:
            rest = rng.sample(rest, 700)
        uniq = base + rest
        rendered = []
        for i, (form, kind, doc) in enumerate(uniq):
            if form == "hook":
                rendered.append(("hook", kind, doc, "json", to_json(doc)))
            else:
                rendered.append(("json", kind, doc, "json", to_json(doc)))
                rendered.append(("yaml", kind, doc, "yaml", to_yaml(doc, dotted=(i % 2 == 1))))
        results = run_oracle(rule_path, [(r[3], r[4]) for r in rendered], workdir)
        evald = []
        for r, res in zip(rendered, results):
            evald.append((r[0], r[1], rule_status(res, rule), r[3], r[4], r[2]))
        chosen = select(evald, rng)
        report["candidates"] = len(evald)
        report["reached"] = sorted(set((e[0], e[2]) for e in evald))
        # multi-resource material: compliant and non-compliant template resources
        material = {"pass": [], "fail": []}
        for form, kind, st, ext, text, doc in evald:
            if form == "json" and st in ("PASS", "FAIL") and "Resources" in doc and kind != "all-types":
                bucket = material["pass" if st == "PASS" else "fail"]
                if len(bucket) < 3:
                    bucket.append(doc["Resources"])
        report["material"] = material
        return rel, chosen, report
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


KIND_PRIORITY = {
    "PASS": ["base", "seed", "intrinsic", "localref", "mixed", "value", "type", "remove", "guess"],
    "FAIL": ["remove", "localref-missing", "intrinsic", "mixed", "value", "seed", "guess", "type", "empty",
             "localref-wrongtype", "localref", "noprops", "emptyprops", "two-resources-mixed", "nullprops"],
    "SKIP": ["other-type", "no-resources", "remove", "value", "type", "intrinsic", "empty", "noprops",
             "missing-resourceProperties", "empty-resources", "nullprops", "seed", "guess"],
}
QUOTA = {("hook", "PASS"): 2, ("hook", "FAIL"): 3, ("hook", "SKIP"): 2,
         ("json", "PASS"): 2, ("json", "FAIL"): 3, ("json", "SKIP"): 2,
         ("yaml", "PASS"): 2, ("yaml", "FAIL"): 2, ("yaml", "SKIP"): 1}


def select(evald, rng):
    chosen = []
    for form in ("hook", "json", "yaml"):
        for st in ("PASS", "FAIL", "SKIP"):
            pool = [e for e in evald if e[0] == form and e[2] == st]
            if not pool:
                continue
            q = QUOTA[(form, st)]
            picked = []
            kinds_used = set()
            # first: a "natural" representative, then maximise kind diversity
            order = KIND_PRIORITY[st]
            if form == "yaml" and st == "PASS":
                # exercise the short-form tags (!Ref, !GetAtt a.b, !If ...) on a PASS too
                order = ["base", "localref", "intrinsic"] + [k for k in order if k not in ("base", "localref", "intrinsic")]
            if st == "SKIP":
                # prefer one trivial SKIP and one where the resource is present
                pr = [e for e in pool if e[1] in ("other-type", "no-resources")]
                if pr:
                    picked.append(pr[0])
                    kinds_used.add(pr[0][1])
                order = [k for k in order if k not in ("other-type", "no-resources")] + ["other-type", "no-resources"]
            for k in order:
                if len(picked) >= q:
                    break
                if k in kinds_used:
                    continue
                opts = [e for e in pool if e[1] == k and e not in picked]
                if opts:
                    picked.append(opts[rng.randrange(len(opts))] if k != "base" else opts[0])
                    kinds_used.add(k)
            for e in pool:
                if len(picked) >= q:
                    break
                if e not in picked:
                    picked.append(e)
            chosen.extend(picked)
    return chosen


def write_outputs(rel, chosen):
    svc = os.path.dirname(rel)
    rid = os.path.basename(rel)[:-len(".guard")]
    d = os.path.join(OUT, svc, rid)
    os.makedirs(d, exist_ok=True)
    counters = {}
    for form, kind, st, ext, text, doc in chosen:
        base = {"hook": "hook", "json": "tmpl", "yaml": "tmpl"}[form]
        key = (base, st, ext)
        counters[key] = counters.get(key, 0) + 1
        name = "%s-%s-%d-%s.%s" % (base, st.lower(), counters[key], kind, ext)
        with open(os.path.join(d, name), "w") as f:
            f.write(text)


def build_multi(reports):
    d = os.path.join(OUT, "multi")
    os.makedirs(d, exist_ok=True)
    rels = sorted(reports)
    for i in range(10):
        rng = random.Random("multi:%d" % i)
        picks = sorted(rng.sample(rels, 30))
        resources = {}
        for rel in picks:
            mat = reports[rel].get("material", {})
            want = "pass" if (i < 2 or rng.random() < 0.6) else "fail"
            if i == 9:
                want = "fail"
            choices = mat.get(want) or mat.get("pass") or mat.get("fail")
            if not choices:
                continue
            resources.update(copy.deepcopy(choices[rng.randrange(len(choices))]))
        doc = {"AWSTemplateFormatVersion": "2010-09-09",
               "Description": "gavel multi-resource conformance template %d" % i,
               "Parameters": {"SomeParameter": {"Type": "String"}},
               "Resources": resources}
        if i % 2 == 0:
            text, ext = to_json(doc), "json"
        else:
            text, ext = to_yaml(doc, dotted=(i % 4 == 1)), "yaml"
        with open(os.path.join(d, "multi-%02d.%s" % (i, ext)), "w") as f:
            f.write(text)


def main():
    rels = sorted(os.path.relpath(p, RULES) for p in glob.glob(os.path.join(RULES, "*", "ct-*.guard")))
    if len(sys.argv) > 1:
        rels = [r for r in rels if any(a in r for a in sys.argv[1:])]
    jobs = int(os.environ.get("CT_JOBS", "2"))
    if len(sys.argv) == 1 and os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT, exist_ok=True)
    reports = {}
    with multiprocessing.Pool(jobs) as pool:
        for n, (rel, chosen, report) in enumerate(pool.imap(gen_rule_file, rels)):
            d = os.path.join(OUT, os.path.dirname(rel), os.path.basename(rel)[:-6])
            if os.path.isdir(d):
                shutil.rmtree(d)
            write_outputs(rel, chosen)
            reports[rel] = report
            sys.stderr.write("[%d/%d] %s %s\n" % (n + 1, len(rels), rel,
                             " ".join("%s:%s" % kv for kv in sorted(report["solved"].items()))))
    if len(sys.argv) == 1:
        build_multi(reports)
    # gen-report.json: a full run rewrites it, a partial run updates its entries
    # (inputs/multi/ is only rebuilt by a full run).
    slim = {}
    if len(sys.argv) > 1 and os.path.exists(REPORT):
        slim = json.load(open(REPORT))
    slim.update({k: {kk: vv for kk, vv in v.items() if kk != "material"} for k, v in reports.items()})
    with open(REPORT, "w") as f:
        json.dump(dict(sorted(slim.items())), f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
