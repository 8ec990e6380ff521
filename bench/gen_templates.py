#!/usr/bin/env python3
"""Deterministic generator of CloudFormation benchmark templates.

Harvests from the Control Tower rule files (ct-*.guard)
  * the resource types they evaluate (`let X = "AWS::..."`, `Type == "AWS::..."`),
  * the property paths their clauses reach (block-aware: `Foo { Bar exists }`
    gives Foo.Bar, `Foo[*].Bar` gives a list of maps, filters `Foo[ X exists ]`
    are walked as blocks),
  * the literals those paths are compared with (`== "x"`, `in [..]`, `>= 7`,
    regexes turned into a matching sample where simple enough),
and writes JSON templates of N resources that mix those types, some compliant
(property values taken from the literals, every harvested path present), some
not (values missing, wrong or of the wrong type), with intrinsic functions
(Ref, Fn::GetAtt, Fn::Sub, Fn::If, Fn::Join) and local references between
resources (KMS keys, roles, buckets, security groups, subnets declared in the
same template).

Output (default bench/out/): tmpl-<N>.json for every size, and hook-<type>.json,
a CloudFormation hook document ({"AWS::S3::Bucket": {"resourceProperties": {..}}}).
The same seed, rules and sizes always give byte-identical files. Files whose
content key (generator source, seed, rule file list) is unchanged are not
rewritten (--force rewrites).

Usage: gen_templates.py [--sizes 10,100,1000] [--seed 1] [--out DIR] [--rules DIR]
                        [--hook-type AWS::S3::Bucket] [--force] [--stats]
Standard library only.
"""
import argparse
import glob
import hashlib
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.join(HERE, "peers/node_modules/@cdklabs/cdk-validator-cfnguard")
DEFAULT_RULES = os.path.join(PKG, "rules/control-tower/cfn-guard")
DEFAULT_SIZES = [10, 100, 1000, 10000, 100000]
TARGET_BYTES = 330          # average bytes per resource (cfn-guard's own 1,000-resource
                            # benchmark template is ~330 KB)

# --------------------------------------------------------------------------
# Harvesting
# --------------------------------------------------------------------------
TOKEN_RE = re.compile(
    r"""(?P<ws>\s+)|(?P<str>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|(?P<rx>/(?:\\.|[^/\n])+/)"""
    r"""|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|>=|<=|<|>|[{}\[\]().,:*!=])"""
    r"""|(?P<var>%[A-Za-z_][A-Za-z0-9_]*)|(?P<id>[A-Za-z_][A-Za-z0-9_]*)|(?P<other>.)""")
SKIP_IDS = {"Resources", "Type", "Properties", "AWSTemplateFormatVersion", "Metadata",
            "DependsOn", "Condition", "Conditions", "Parameters", "Outputs", "Ref", "Fn",
            "resourceProperties"}
KEYWORDS = {"rule", "let", "when", "not", "exists", "empty", "is_list", "is_struct", "is_string",
            "is_bool", "is_int", "is_float", "is_null", "in", "or", "OR", "and", "AND", "some",
            "this", "true", "false", "null", "keys", "count", "regex_replace", "to_lower",
            "to_upper", "json_parse", "substring", "url_decode", "join", "parse_int", "parse_float",
            "parse_string", "parse_boolean", "parse_char", "now", "parse_epoch"}
COMPARE = {"==", "!=", ">=", "<=", "<", ">", "in"}
AWS_TYPE_RE = re.compile(r'["\'](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)["\']')


def is_prop(name):
    """CloudFormation property names are PascalCase (DBName, SSEAlgorithm);
    rule names, variables and parameters are lower case, constants ALL_CAPS."""
    return name[:1].isupper() and any(c.islower() for c in name) and name not in KEYWORDS


def strip_code(text):
    lines = [l for l in text.splitlines() if not l.lstrip().startswith("#")]
    code = "\n".join(lines)
    return re.sub(r"<<.*?>>", " ", code, flags=re.S)


def tokenize(code):
    out = []
    for m in TOKEN_RE.finditer(code):
        k = m.lastgroup
        if k == "ws":
            continue
        v = m.group(0)
        if k == "str":
            out.append(("lit", v[1:-1]))
        elif k == "rx":
            out.append(("rx", v[1:-1]))
        elif k == "num":
            out.append(("lit", float(v) if "." in v else int(v)))
        elif k == "id" and v in ("true", "false"):
            out.append(("lit", v == "true"))
        else:
            out.append((k, v))
    return out


def regex_sample(rx):
    """A string the (simple) regex matches, or None."""
    s = rx
    for a in ("^", "$", "\\A", "\\z", "\\Z"):
        s = s.replace(a, "")
    s = s.replace("(?i)", "")
    s = re.sub(r"\.\+\?|\.\+|\.\*\?|\.\*", "xlarge", s)
    s = s.replace("\\d+", "1").replace("\\d", "1").replace("\\.", ".").replace("\\-", "-").replace("\\/", "/")
    if re.search(r"[\[\](){}|*+?\\]", s):
        return None
    return s


def parse_value(toks, i, consts):
    """Literal / list / %CONST at toks[i] -> (list of candidate values, next index)."""
    if i >= len(toks):
        return [], i
    k, v = toks[i]
    if k == "lit":
        return [v], i + 1
    if k == "rx":
        smp = regex_sample(v)
        return ([smp] if smp is not None else []), i + 1
    if k == "var":
        return list(consts.get(v[1:], [])), i + 1
    if (k, v) == ("op", "["):
        vals, j = [], i + 1
        while j < len(toks) and toks[j] != ("op", "]"):
            if toks[j] == ("op", ","):
                j += 1
                continue
            sub, nj = parse_value(toks, j, consts)
            vals.extend(sub)
            j = nj if nj > j else j + 1
        return vals, j + 1
    return [], i


def harvest_file(path):
    code = strip_code(open(path, encoding="utf-8").read())
    toks = tokenize(code)
    consts = {}
    for i in range(len(toks) - 3):
        if toks[i] == ("id", "let") and toks[i + 1][0] == "id" and toks[i + 2] == ("op", "="):
            vals, _ = parse_value(toks, i + 3, consts)
            if vals:
                consts[toks[i + 1][1]] = vals
    lets = dict(re.findall(r"""^\s*let\s+(\w+)\s*=\s*["'](AWS::[^"'\n]*)["']""", code, re.M))
    hook_types = [lets[v] for v in re.findall(r"is_cfn_hook\(\s*%INPUT_DOCUMENT\s*,\s*%(\w+)\s*\)", code)
                  if v in lets]
    all_types = []
    for t in AWS_TYPE_RE.findall(code):
        if t not in all_types:
            all_types.append(t)
    primary = hook_types or all_types[:1]

    # Block-aware walk: a stack of path prefixes; `Chain {` and `Chain[ filter ]`
    # push the chain; other blocks push the current prefix unchanged.
    leaves = {}      # path tuple -> {"vals": [...], "kind": "scalar"|"list"|"map"}
    stack = [()]
    i, n = 0, len(toks)

    def note(path, kind=None, vals=()):
        if not path:
            return
        e = leaves.setdefault(path, {"vals": [], "kind": None})
        if kind and not e["kind"]:
            e["kind"] = kind
        for v in vals:
            if v not in e["vals"]:
                e["vals"].append(v)
        for j in range(1, len(path)):  # every prefix is a map (or list, for "*")
            leaves.setdefault(path[:j], {"vals": [], "kind": None})

    pending = None   # chain that a following "{" or "[" filter opens
    while i < n:
        k, v = toks[i]
        if k == "op" and v == "{":
            stack.append(pending if pending is not None else stack[-1])
            pending = None
            i += 1
            continue
        if k == "op" and v == "}":
            if len(stack) > 1:
                stack.pop()
            pending = None
            i += 1
            continue
        if k in ("id", "var"):
            # read a chain: id ( [*] | [n] | .id | .* )*
            chain = []
            if k == "var":  # %x.Foo: x usually holds Properties
                i += 1
            elif not is_prop(v) or (i + 1 < n and toks[i + 1] == ("op", "(")):
                i += 1
                pending = None
                continue
            else:
                chain.append(v)
                i += 1
            filt = False
            while i < n:
                if toks[i] == ("op", ".") and i + 1 < n:
                    nk, nv = toks[i + 1]
                    if nk == "id" and is_prop(nv):
                        chain.append(nv)
                        i += 2
                        continue
                    if (nk, nv) == ("op", "*"):
                        chain.append("*")
                        i += 2
                        continue
                    if nk in ("var", "lit"):
                        i += 2
                        continue
                    break
                if toks[i] == ("op", "["):
                    if i + 2 < n and toks[i + 2] == ("op", "]") and (toks[i + 1] == ("op", "*") or
                                                                      isinstance(toks[i + 1][1], int)):
                        chain.append("*")
                        i += 3
                        continue
                    filt = True
                    break
                break
            # drop template scaffolding: Resources.*[..].Properties.X -> X
            if "Properties" in chain:
                chain = chain[chain.index("Properties") + 1:]
            elif "resourceProperties" in chain:
                chain = chain[chain.index("resourceProperties") + 1:]
            elif "Resources" in chain:
                chain = []
            if chain and chain[0] in SKIP_IDS:
                chain = []
            base = stack[-1] if stack[-1] is not None else ()
            full = tuple(base) + tuple(chain) if chain else tuple(base)
            if filt:
                # filter: walk its clauses with the chain (plus the element) as prefix
                stack.append(full + (("*",) if chain else ()))
                i += 1
                # process the filter's tokens in the same loop; "]" closes it
                sub_end = i
                d = 1
                while sub_end < n and d:
                    if toks[sub_end] == ("op", "["):
                        d += 1
                    elif toks[sub_end] == ("op", "]"):
                        d -= 1
                    sub_end += 1
                inner = toks[i:sub_end - 1]
                sub = harvest_tokens(inner, consts, stack[-1])
                for p, e in sub.items():
                    note(p, e["kind"], e["vals"])
                stack.pop()
                i = sub_end
                pending = full + (("*",) if chain else ())
                if i < n and toks[i] == ("op", "{"):
                    continue
                pending = None
                continue
            if not chain:
                pending = tuple(base)
                continue
            # what follows the chain?
            j = i
            neg = False
            if j < n and toks[j] == ("id", "not"):
                neg = True
                j += 1
            if j < n and toks[j] == ("op", "!"):
                neg = True
                j += 1
            if j < n:
                fk, fv = toks[j]
                if fk == "op" and fv == "{":
                    note(full, "map")
                    pending = full
                    i = j
                    continue
                if (fk in ("op", "id")) and fv in COMPARE:
                    vals, j2 = parse_value(toks, j + 1, consts)
                    if fv == "in" and not neg:
                        note(full, "scalar", vals)
                    elif fv == "==" and not neg:
                        note(full, "scalar", vals)
                    elif fv in (">=", "<=", ">", "<"):
                        note(full, "scalar", [x for x in vals if isinstance(x, (int, float))])
                    else:
                        note(full, "scalar")
                    i = j2
                    pending = None
                    continue
                if fk == "id" and fv in ("is_list", "empty"):
                    note(full, "list")
                elif fk == "id" and fv == "is_struct":
                    note(full, "map")
                elif fk == "id" and fv == "is_string":
                    note(full, "scalar", ["value"])
                elif fk == "id" and fv == "is_bool":
                    note(full, "scalar", [True])
                elif fk == "id" and fv == "is_int":
                    note(full, "scalar", [1])
                else:
                    note(full)
            pending = None
            continue
        pending = None
        i += 1
    return primary, all_types, leaves


def harvest_tokens(toks, consts, prefix):
    """Clauses inside a filter: `Foo exists`, `Bar == "x"`, relative to prefix."""
    out = {}
    i, n = 0, len(toks)
    while i < n:
        k, v = toks[i]
        if k == "id" and is_prop(v) and v not in SKIP_IDS and not (i + 1 < n and toks[i + 1] == ("op", "(")):
            chain = [v]
            i += 1
            while i + 1 < n and toks[i] == ("op", ".") and toks[i + 1][0] == "id":
                chain.append(toks[i + 1][1])
                i += 2
            path = tuple(prefix) + tuple(chain)
            e = out.setdefault(path, {"vals": [], "kind": None})
            if i < n and toks[i][1] in COMPARE:
                vals, i = parse_value(toks, i + 1, consts)
                e["vals"].extend(x for x in vals if x not in e["vals"])
                e["kind"] = "scalar"
            continue
        i += 1
    return out


def harvest(rules_dir):
    files = sorted(glob.glob(os.path.join(rules_dir, "**", "ct-*.guard"), recursive=True))
    if not files:
        sys.exit("gen_templates: no ct-*.guard rule files under %s (run 'make peers')" % rules_dir)
    types = {}   # type -> {"paths": {path: entry}, "rules": n}
    for f in files:
        primary, all_types, leaves = harvest_file(f)
        for t in all_types:
            types.setdefault(t, {"paths": {}, "rules": 0})
        for t in primary:
            e = types[t]
            e["rules"] += 1
            for p, le in leaves.items():
                cur = e["paths"].setdefault(p, {"vals": [], "kind": None})
                if le["kind"] and not cur["kind"]:
                    cur["kind"] = le["kind"]
                for v in le["vals"]:
                    if v not in cur["vals"]:
                        cur["vals"].append(v)
    return files, types


def build_tree(paths):
    """paths {tuple: entry} -> nested spec: {"k": name -> spec} / {"list": spec} / leaf entry."""
    root = {"children": {}, "entry": None}
    for p in sorted(paths, key=lambda x: tuple(str(s) for s in x)):
        node = root
        for seg in p:
            node = node["children"].setdefault(seg, {"children": {}, "entry": None})
        node["entry"] = paths[p]
    return root


# --------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------
SUPPORT = [  # (logical-id prefix, type, properties) declared first, targets of local references
    ("Key", "AWS::KMS::Key", {"EnableKeyRotation": True, "KeyPolicy": {"Version": "2012-10-17"}}),
    ("Role", "AWS::IAM::Role", {"AssumeRolePolicyDocument": {"Version": "2012-10-17"}}),
    ("LogBucket", "AWS::S3::Bucket", {"VersioningConfiguration": {"Status": "Enabled"}}),
    ("Sg", "AWS::EC2::SecurityGroup", {"GroupDescription": "bench", "VpcId": "vpc-0abc"}),
    ("Subnet", "AWS::EC2::Subnet", {"VpcId": "vpc-0abc", "CidrBlock": "10.0.0.0/24"}),
]
REF_HINTS = [  # property-name pattern -> support prefix, intrinsic
    (re.compile(r"Kms|KMS|Key(Id|Arn)$|EncryptionKey"), "Key"),
    (re.compile(r"Role"), "Role"),
    (re.compile(r"SecurityGroup"), "Sg"),
    (re.compile(r"Subnet"), "Subnet"),
    (re.compile(r"Bucket(Name)?$"), "LogBucket"),
]


class Gen:
    def __init__(self, types, seed):
        self.rng = random.Random(seed)
        # most-evaluated types first; weight = rules evaluating the type (+1)
        self.types = sorted(types, key=lambda t: (-types[t]["rules"], t))
        self.weights = [types[t]["rules"] + 1 for t in self.types]
        self.trees = {t: build_tree(types[t]["paths"]) for t in self.types}
        self.counts = {}
        self.support_ids = {}

    # -- values ---------------------------------------------------------------
    def intrinsic(self, name):
        r = self.rng.random()
        if r < 0.3:
            return {"Fn::Sub": "${AWS::StackName}-%s" % name.lower()}
        if r < 0.55:
            return {"Fn::Join": ["-", [{"Ref": "AWS::Region"}, name.lower(), str(self.rng.randrange(100))]]}
        if r < 0.8:
            return {"Ref": "Env"}
        return {"Fn::If": ["IsProd", name.lower() + "-prod", {"Ref": "AWS::NoValue"}]}

    def local_ref(self, name):
        for rx, prefix in REF_HINTS:
            if rx.search(name):
                ids = self.support_ids.get(prefix)
                if not ids:
                    return None
                tgt = self.rng.choice(ids)
                r = self.rng.random()
                if r < 0.45:
                    return {"Ref": tgt}
                if r < 0.85:
                    return {"Fn::GetAtt": [tgt, "Arn"]}
                return {"Ref": tgt + "Missing"}  # dangling local reference
        return None

    def bad_scalar(self, vals):
        r = self.rng.random()
        if vals and isinstance(vals[0], bool):
            return (not vals[0]) if r < 0.6 else "false"
        if vals and isinstance(vals[0], (int, float)):
            return vals[0] + 1000 if r < 0.6 else str(vals[0])
        # never an int or bool where the rules expect neither: cfn-guard aborts the
        # whole run on `empty` applied to a number or a boolean
        if r < 0.4:
            return ""
        if r < 0.75:
            return "disabled"
        return ["disabled"]

    def leaf(self, name, entry, good):
        vals = entry["vals"] if entry else []
        if self.rng.random() < 0.12:
            ref = self.local_ref(name)
            if ref is not None:
                return ref
        if self.rng.random() < 0.06:
            return self.intrinsic(name)
        if good:
            if vals:
                return self.rng.choice(vals)
            ref = self.local_ref(name)
            if ref is not None:
                return ref
            return "%s-%d" % (name.lower(), self.rng.randrange(1000))
        return self.bad_scalar(vals)

    def value(self, name, node, good, depth, budget):
        entry = node["entry"]
        kids = node["children"]
        kind = entry["kind"] if entry else None
        if not kids:
            v = self.leaf(name, entry, good)
            if kind == "list" and not isinstance(v, dict):
                return [v] if good else []
            if kind == "map" and not isinstance(v, dict):
                return {"Enabled": v}
            return v
        if list(kids) == ["*"] or ("*" in kids and len(kids) == 1):
            n = 1 if self.rng.random() < 0.7 else 2
            if not good and self.rng.random() < 0.25:
                return []
            return [self.value(name, kids["*"], good, depth + 1, budget / n) for _ in range(n)]
        out = {}
        names = sorted(k for k in kids if k != "*")
        # under budget pressure, keep a random subset
        if len(names) > budget:
            names = sorted(self.rng.sample(names, max(1, int(budget))))
        for k in names:
            if not good and self.rng.random() < 0.3:
                continue  # a property missing
            out[k] = self.value(k, kids[k], good and self.rng.random() > 0.04, depth + 1,
                                max(1.0, budget / max(1, len(names))))
        return out

    def properties(self, t, good, budget):
        tree = self.trees[t]
        props = {}
        tops = sorted(k for k in tree["children"] if k != "*")
        if len(tops) > budget:
            tops = sorted(self.rng.sample(tops, int(budget)))
        for k in tops:
            if not good and self.rng.random() < 0.35:
                continue
            props[k] = self.value(k, tree["children"][k], good, 1, max(1.0, budget / max(1, len(tops)) * 2))
        return props

    def logical_id(self, t):
        base = "".join(t.split("::")[1:])
        n = self.counts.get(base, 0) + 1
        self.counts[base] = n
        return "%s%d" % (base, n)

    # -- documents --------------------------------------------------------------
    def template(self, n):
        self.counts = {}
        self.support_ids = {}
        res = {}
        nsupport = max(1, min(len(SUPPORT), n // 10)) if n >= 10 else 1
        # support resources: ~4% of the template, at least one of each kind when n >= 50
        k = 0
        want = max(nsupport, n // 25)
        while k < min(want, n):
            prefix, t, props = SUPPORT[k % len(SUPPORT)]
            lid = "%s%d" % (prefix, k // len(SUPPORT) + 1)
            self.support_ids.setdefault(prefix, []).append(lid)
            res[lid] = {"Type": t, "Properties": json.loads(json.dumps(props))}
            k += 1
        for _ in range(n - k):
            t = self.rng.choices(self.types, self.weights)[0]
            good = self.rng.random() < 0.45
            budget = self.rng.choice((2, 3, 4, 4, 5, 6))
            r = {"Type": t, "Properties": self.properties(t, good, budget)}
            x = self.rng.random()
            if x < 0.08:
                r["Condition"] = "IsProd"
            elif x < 0.16 and res:
                r["DependsOn"] = self.rng.choice(list(self.support_ids.get("Role", ["Key1"])))
            if self.rng.random() < 0.1:
                r["DeletionPolicy"] = "Retain"
            if self.rng.random() < 0.12:
                r["Properties"]["Tags"] = [{"Key": "env", "Value": {"Ref": "Env"}},
                                           {"Key": "team", "Value": "bench"}]
            res[self.logical_id(t)] = r
        return {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": "gavel benchmark template: %d resources (bench/gen_templates.py)" % n,
            "Parameters": {"Env": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]}},
            "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
            "Resources": res,
            "Outputs": {"FirstKey": {"Value": {"Fn::GetAtt": ["Key1", "Arn"]}}} if "Key1" in res else {},
        }

    def hook(self, t):
        self.support_ids = {}
        props = self.properties(t, True, 64)
        return {t: {"resourceProperties": props}}


def dump(doc):
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"


def content_key(seed, files, extra):
    h = hashlib.sha256()
    h.update(open(os.path.abspath(__file__), "rb").read())
    h.update(str(seed).encode())
    h.update(extra.encode())
    for f in files:
        h.update(os.path.basename(f).encode())
        h.update(open(f, "rb").read())
    return h.hexdigest()[:16]


def write_if_changed(path, key, make):
    kpath = path + ".key"
    if os.path.exists(path) and os.path.exists(kpath) and open(kpath).read().strip() == key:
        return False
    text = make()
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    with open(kpath, "w") as f:
        f.write(key + "\n")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--rules", default=os.environ.get("CT_RULES", DEFAULT_RULES))
    ap.add_argument("--hook-type", default="AWS::S3::Bucket")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--stats", action="store_true", help="print the harvested types and paths")
    a = ap.parse_args()
    files, types = harvest(a.rules)
    if a.stats:
        for t in sorted(types, key=lambda x: -types[x]["rules"]):
            print("%3d %-48s %d paths" % (types[t]["rules"], t, len(types[t]["paths"])))
            for p in sorted(types[t]["paths"], key=lambda x: tuple(map(str, x))):
                e = types[t]["paths"][p]
                print("      %s %s %s" % (".".join(map(str, p)), e["kind"] or "", e["vals"][:4]))
        return
    os.makedirs(a.out, exist_ok=True)
    sizes = [int(s.replace("_", "")) for s in a.sizes.split(",") if s.strip()]
    for n in sizes:
        path = os.path.join(a.out, "tmpl-%d.json" % n)
        key = content_key(a.seed, files, "tmpl-%d" % n)
        if a.force and os.path.exists(path + ".key"):
            os.remove(path + ".key")
        if write_if_changed(path, key, lambda: dump(Gen(types, a.seed * 1000003 + n).template(n))):
            print("gen_templates: wrote %s (%d resources, %d bytes)" % (path, n, os.path.getsize(path)))
    t = a.hook_type
    if t not in types:
        sys.exit("gen_templates: hook type %s is not evaluated by the rules" % t)
    hpath = os.path.join(a.out, "hook-%s.json" % "-".join(t.split("::")[1:]).lower())
    key = content_key(a.seed, files, "hook-" + t)
    if a.force and os.path.exists(hpath + ".key"):
        os.remove(hpath + ".key")
    if write_if_changed(hpath, key, lambda: dump(Gen(types, a.seed).hook(t))):
        print("gen_templates: wrote %s" % hpath)


if __name__ == "__main__":
    main()
