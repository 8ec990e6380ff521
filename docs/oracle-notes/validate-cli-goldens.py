# Generator for tests/oracle/cli/*/ golden cases (see validate-cli.md, "Golden case conventions").
# Usage: python3 validate-cli-goldens.py [OUTDIR [CASE...]]   (default OUTDIR tests/oracle/cli under /work/main)
# Runs the cfn-guard 3.1.1 oracle 6 times per case, reports NONDETERMINISTIC ones, replaces the case dir's
# realpath with @CASEDIR@ in stdout/stderr. Existing case dirs of the same name are replaced.
import os, subprocess, shutil, sys, json
ORA = "/work/main/bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard"
OUT = sys.argv[1] if len(sys.argv) > 1 else "/work/main/tests/oracle/cli"
cases = []
def case(name, cmd, files, stdin=None):
    cases.append((name, cmd, files, stdin))

# ---------- shared inputs ----------
D1 = '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"Name": "abc", "Size": 3}}}}\n'
Y1 = """Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      Name: abc
      Size: 3
      Tags:
        - Key: k1
          Value: v1
        - Key: k2
          Value: v2
"""
J1 = """{
  "Resources": {
    "B": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "Size": 3
      }
    }
  }
}
"""
P = "Resources.B.Properties"
MIX = f"""rule r_pass {{ {P}.Size == 3 }}
rule r_fail {{ {P}.Size == 4 }}
rule r_skip when Resources.B.Type == "X" {{ {P}.Size == 4 }}
"""
PASS = f"rule r_pass {{ {P}.Size == 3 }}\n"
FAIL = f"rule r_fail {{ {P}.Size == 4 }}\n"
SKIP = f"rule r_skip when Resources.B.Type == \"X\" {{ {P}.Size == 4 }}\n"
NT = '{"a": {"b": 1, "c": "x", "l": [{"k": 1}, {"k": 2}]}}\n'

# ---------- exit codes / summary ----------
case("pass_default", "validate -r r.guard -d d.json", {"r.guard": PASS, "d.json": D1})
case("pass_show_all", "validate -r r.guard -d d.json -S all", {"r.guard": PASS, "d.json": D1})
case("skip_default", "validate -r r.guard -d d.json", {"r.guard": SKIP, "d.json": D1})
case("skip_show_all", "validate -r r.guard -d d.json -S all", {"r.guard": SKIP, "d.json": D1})
case("fail_default_oneline_json", "validate -r r.guard -d d.json", {"r.guard": FAIL, "d.json": D1})
for s in ["all", "pass", "fail", "skip", "none", "pass,skip", "none,fail", "all,none"]:
    case("mix_S_" + s.replace(",", "_"), f"validate -r r.guard -d d.yaml -S {s}", {"r.guard": MIX, "d.yaml": Y1})
case("mix_S_repeated_flag", "validate -r r.guard -d d.yaml -S pass -S skip", {"r.guard": MIX, "d.yaml": Y1})
case("summary_alignment", "validate -r r.guard -d d.json -S all", {"d.json": D1, "r.guard": f"""rule zz {{ {P}.Size == 3 }}
rule a_much_longer_rule_name {{ {P}.Size == 3 }}
rule bb when Resources.B.Type == "X" {{ {P}.Size == 4 }}
rule ccc {{ {P}.Size == 5 }}
rule aa {{ {P}.Size == 3 }}
"""})
case("summary_alignment_fail_only", "validate -r r.guard -d d.json", {"d.json": D1, "r.guard": f"""rule a_much_longer_rule_name {{ {P}.Size == 3 }}
rule ccc {{ {P}.Size == 5 }}
"""})
case("fail_json_multiline_snippet", "validate -r r.guard -d d.json", {"r.guard": FAIL, "d.json": J1})
case("snippet_line_2", "validate -r r.guard -d d.yaml -S none", {"r.guard": "rule f { Resources.B.Properties.S == 9 }\n",
     "d.yaml": "Resources:\n  B:\n    Properties: {S: 1}\n    Type: T\n#5\n#6\n#7\n#8\n"})
case("snippet_line_1_none", "validate -r r.guard -d d.yaml -S none", {"r.guard": "rule f { Resources.B.Properties.S == 9 }\n",
     "d.yaml": "Resources:\n  B: {Type: T, Properties: {S: 1}}\n#3\n#4\n#5\n#6\n#7\n#8\n"})
case("snippet_line_100", "validate -r r.guard -d d.yaml -S none", {"r.guard": "rule f { Resources.B.Properties.S == 9 }\n",
     "d.yaml": "".join(f"#c{i}\n" for i in range(1, 101)) + "Resources:\n  B:\n    Type: T\n    Properties:\n      S: 1\n"})

# ---------- detail layouts (CFN reporter) ----------
def det(name, rule, data=Y1, extra=""):
    case(name, "validate -r r.guard -d d.yaml" + extra, {"r.guard": rule, "d.yaml": data})
det("detail_binary_eq", f"rule r {{ {P}.Size == 4 }}\n")
det("detail_binary_lt", f"rule r {{ {P}.Size < 2 }}\n")
det("detail_binary_ne", f"rule r {{ {P}.Size != 3 }}\n")
det("detail_regex", f"rule r {{ {P}.Name == /^z/ }}\n")
det("detail_in", f"rule r {{ {P}.Name IN [\"x\", \"y\"] }}\n")
det("detail_not_in", f"rule r {{ {P}.Name not IN [\"abc\", \"y\"] }}\n")
det("detail_unary_empty", f"rule r {{ {P}.Name empty }}\n")
det("detail_unary_is_int", f"rule r {{ {P}.Name is_int }}\n")
det("detail_unary_not_exists", f"rule r {{ {P}.Name !exists }}\n")
det("detail_unary_exists_missing", f"rule r {{ {P}.Missing exists }}\n")
det("detail_binary_missing_lhs", f"rule r {{ {P}.Missing == 1 }}\n")
det("detail_binary_missing_rhs_query", f"rule r {{ {P}.Size == {P}.Other }}\n")
det("detail_block_clause", f"rule r {{ {P}.Tags[*] {{ Key == \"k1\" }} }}\n")
det("detail_block_unresolved", f"rule r {{ {P}.Missing[*] {{ x == 1 }} }}\n")
det("detail_type_block", "rule r { AWS::S3::Bucket { Properties.Size == 4 } }\n")
det("detail_when_block", f"rule r {{ when Resources.B exists {{ {P}.Size == 5 }} }}\n")
det("detail_custom_messages", f"""rule r {{
  {P}.Size == 4 <<Size must be four>>
  {P}.Name == "q" <<
    multi line
    message
  >>
}}
""")
det("detail_custom_message_missing", f"rule r {{ {P}.Missing == 1 <<custom on missing>> }}\n")
det("detail_custom_message_unary", f"rule r {{ {P}.Name empty <<empty msg>> }}\n")
det("detail_custom_message_in", f"rule r {{ {P}.Name IN [\"q\"] <<in msg>> }}\n")
det("detail_param_rule_call", f"rule chk(v) {{ %v == 4 }}\nrule r_call {{ chk({P}.Size) }}\n")
det("detail_named_rule_ref", f"""rule base {{ {P}.Size == 4 }}
rule r_ref {{
  base
}}
rule r_nref {{
  not r_ok
}}
rule r_ok {{ {P}.Size == 3 }}
""", extra=" -S all")
det("detail_or_disjunction", f"rule r {{ {P}.Size == 4 or {P}.Name == \"q\" }}\n")
det("detail_default_rule", f"{P}.Size == 4\n", extra=" -S all")
det("detail_value_formats", """rule vm { Resources.B.Properties.M == {a: 2} }
rule vf { Resources.B.Properties.F == 2.5 }
rule vn { Resources.B.Properties.N == 1 }
rule vt { Resources.B.Properties.T == false }
rule vs { Resources.B.Properties.S == "z" }
""", data="""Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      M: {a: 1, b: [x, "y"]}
      F: 1.5
      N: null
      T: true
      S: "it's \\"q\\""
""")
case("cfn_zero_resources", "validate -r r.guard -d d.json",
     {"r.guard": "rule p { Parameters.x == 2 }\n", "d.json": '{"Parameters": {"x": 1}, "Resources": {"B": {"Type": "T", "Properties": {"Size": 3}}}}\n'})
case("cfn_nonresource_failure_ignored", "validate -r r.guard -d d.json -S all",
     {"r.guard": "rule p { Parameters.x == 2 }\nrule q { Resources.B.Properties.Size == 4 }\n", "d.json": '{"Parameters": {"x": 1}, "Resources": {"B": {"Type": "T", "Properties": {"Size": 3}}}}\n'})
case("cfn_fallback_resources_path", "validate -r r.guard -d d.json",
     {"r.guard": "rule m { Resources.Z.Properties.Size == 4 }\n", "d.json": '{"Resources": {"B": {"Type": "T", "Properties": {"Size": 3}}}}\n'})
case("cfn_fallback_resourcesx_prefix", "validate -r r.guard -d d.json",
     {"r.guard": "rule r7 { ResourcesX.a == 2 }\n", "d.json": '{"ResourcesX": {"a": 1}, "Resources": {"B": {"Type": "T", "Properties": {"Size": 3}}}}\n'})
case("tf_plan_reporter", "validate -r r.guard -d d.json -S none",
     {"r.guard": "rule tf { resource_changes[*].change.after.n.x == 2 }\n",
      "d.json": '{"resource_changes": [{"address": "mod.aws_s3_bucket.b", "type": "aws_s3_bucket", "change": {"after": {"acl": "public", "n": {"x": 1}}}}]}\n'})

# ---------- generic (non-template) reporter ----------
case("generic_binary", "validate -r r.guard -d d.json", {"r.guard": "rule nt1 { a.b == 2 }\n", "d.json": NT})
case("generic_retrieval_error", "validate -r r.guard -d d.json", {"r.guard": "rule g { a.missing exists }\n", "d.json": NT})
case("generic_in", "validate -r r.guard -d d.json", {"r.guard": "rule g { a.c IN [\"x1\", \"y\"] }\n", "d.json": NT})
case("generic_empty", "validate -r r.guard -d d.json", {"r.guard": "rule g { a.c empty }\n", "d.json": NT})
case("generic_block_or_msg", "validate -r r.guard -d d.json", {"r.guard": "rule g { a.l[*] { k == 1 <<k msg>> } }\n", "d.json": NT})
case("generic_named_ref", "validate -r r.guard -d d.json -S all", {"r.guard": "rule base { a.b == 1 }\nrule g {\n  not base\n}\n", "d.json": NT})
case("generic_S_none_prints_nothing", "validate -r r.guard -d d.json -S none", {"r.guard": "rule nt1 { a.b == 2 }\n", "d.json": NT})
case("generic_S_pass_prints_nothing", "validate -r r.guard -d d.json -S pass", {"r.guard": "rule nt1 { a.b == 2 }\n", "d.json": NT})
case("generic_scalar_document", "validate -r r.guard -d d.json", {"r.guard": PASS, "d.json": "not json at all {{{\n"})

# ---------- multiple files / dirs ----------
case("multi_rules_multi_data", "validate -r z.guard -r f.guard -d e.json -d d.json -S all",
     {"z.guard": "rule q { Resources.B.Properties.Size == 3 }\n", "f.guard": FAIL, "d.json": D1,
      "e.json": D1.replace('"Size": 3', '"Size": 4')})
case("rules_path_shows_basename", "validate -r sub/../sub/r.guard -d ./sub/../d.json -S all", {"sub/r.guard": PASS, "d.json": D1})
case("rules_dir_sorted_recursive", "validate -r rd -d d.json -S all", {
    "d.json": D1,
    "rd/c.guard": "rule rc { Resources.B.Properties.Size == 3 }\n",
    "rd/a.guard": "rule ra { Resources.B.Properties.Size == 3 }\n",
    "rd/b.guard": "rule rb { Resources.B.Properties.Size == 3 }\n",
    "rd/Z.guard": "rule rZ { Resources.B.Properties.Size == 3 }\n",
    "rd/x.ruleset": "rule rr { Resources.B.Properties.Size == 3 }\n",
    "rd/nested/n.guard": "rule rn { Resources.B.Properties.Size == 3 }\n",
    "rd/t.txt": "rule rt { Resources.B.Properties.Size == 3 }\n",
    "rd/y.GUARD": "rule rg { Resources.B.Properties.Size == 3 }\n",
    "rd/w.json": "rule rw { Resources.B.Properties.Size == 3 }\n"})
case("data_dir_sorted_ext_filter", "validate -r r.guard -d dd -S all", {
    "r.guard": FAIL,
    "dd/b.json": D1, "dd/a.yaml": D1.replace('"Size": 3', '"Size": 4'), "dd/e.template": D1,
    "dd/f.jsn": D1, "dd/g.yml": D1, "dd/d.txt": D1, "dd/C.JSON": D1, "dd/sub/h.json": D1})
case("data_dir_one_bad_file", "validate -r r.guard -d dd -S all", {
    "r.guard": PASS, "dd/a.json": D1, "dd/b.json": "a: [1, 2\n", "dd/c.json": D1})
case("empty_rules_file", "validate -r r.guard -d d.json -S all", {"r.guard": "", "d.json": D1})
case("comment_only_rules_file", "validate -r r.guard -d d.json -S all", {"r.guard": "# nothing\nlet x = 1\n", "d.json": D1})

# ---------- errors ----------
SYN = "rule x { a.b == }\n"
case("err_syntax", "validate -r r.guard -d d.json", {"r.guard": SYN, "d.json": D1})
case("err_syntax_with_other_rules", "validate -r f.guard -r sub/syn.guard -r p.guard -d d.json -S all",
     {"f.guard": FAIL, "sub/syn.guard": SYN, "p.guard": PASS, "d.json": D1})
case("err_unknown_function", "validate -r p.guard -r fn.guard -d d.json -S all",
     {"fn.guard": "let v = foo(a.b)\nrule x { %v == 1 }\n", "p.guard": PASS, "d.json": D1})
case("err_undefined_variable", "validate -r p.guard -r uv.guard -r q.guard -d d.json -S all",
     {"uv.guard": "rule x { %undef == 1 }\n", "p.guard": PASS, "q.guard": PASS.replace("r_pass", "q_pass"), "d.json": D1})
case("err_bad_data", "validate -r r.guard -d d.json", {"r.guard": PASS, "d.json": "a: [1, 2\n"})
case("err_empty_data", "validate -r r.guard -d d.json", {"r.guard": PASS, "d.json": ""})
case("err_missing_data_file", "validate -r r.guard -d missing.json", {"r.guard": PASS})
case("err_missing_rules_file", "validate -r missing.guard -d d.json", {"d.json": D1})
case("err_no_rules", "validate -d d.json", {"d.json": D1})
case("err_unknown_flag", "validate -r r.guard -d d.json --bogus", {"r.guard": PASS, "d.json": D1})
case("err_bad_show_summary", "validate -r r.guard -d d.json -S bogus", {"r.guard": PASS, "d.json": D1})
case("err_bad_type", "validate -r r.guard -d d.json -t Foo", {"r.guard": PASS, "d.json": D1})
case("err_structured_with_summary", "validate -r r.guard -d d.json -z -o json", {"r.guard": PASS, "d.json": D1})
case("err_structured_single_line", "validate -r r.guard -d d.json -z -S none", {"r.guard": PASS, "d.json": D1})
case("err_structured_verbose", "validate -r r.guard -d d.json -z -o json -S none -v", {"r.guard": PASS, "d.json": D1})
case("err_junit_without_structured", "validate -r r.guard -d d.json -o junit", {"r.guard": PASS, "d.json": D1})
case("err_payload_with_rules", "validate -P -r r.guard", {"r.guard": PASS}, stdin="{}")
case("validate_help", "validate -h", {})
case("validate_help_long", "validate --help", {})
case("top_help", "--help", {})
case("version", "--version", {})
case("no_subcommand", "", {})

# ---------- output formats ----------
case("json_unstructured", "validate -r r.guard -d d.yaml -o json", {"r.guard": MIX, "d.yaml": Y1})
case("json_unstructured_S_none_multi", "validate -r p.guard -r f.guard -d d.yaml -d e.json -o json -S none",
     {"p.guard": PASS, "f.guard": FAIL, "d.yaml": Y1, "e.json": D1.replace('"Size": 3', '"Size": 4')})
case("yaml_unstructured", "validate -r r.guard -d d.yaml -o yaml", {"r.guard": MIX, "d.yaml": Y1})
case("yaml_unstructured_S_none_multi", "validate -r p.guard -r f.guard -d d.yaml -d e.json -o yaml -S none",
     {"p.guard": PASS, "f.guard": FAIL, "d.yaml": Y1, "e.json": D1.replace('"Size": 3', '"Size": 4')})
case("structured_json_merged", "validate -r p.guard -r m.guard -d d.yaml -d e.json -z -o json -S none",
     {"p.guard": PASS, "m.guard": MIX, "d.yaml": Y1, "e.json": D1.replace('"Size": 3', '"Size": 4')})
case("structured_yaml_merged", "validate -r p.guard -r m.guard -d d.yaml -d e.json -z -o yaml -S none",
     {"p.guard": PASS, "m.guard": MIX, "d.yaml": Y1, "e.json": D1.replace('"Size": 3', '"Size": 4')})
case("structured_sorted_dedup_names", "validate -r a.guard -r b.guard -d d.json -z -o json -S none",
     {"a.guard": f"rule zz {{ {P}.Size == 3 }}\nrule mm when Resources.B.Type == \"X\" {{ {P}.Size == 4 }}\nrule aa {{ {P}.Size == 3 }}\n",
      "b.guard": f"rule zz {{ {P}.Size == 3 }}\nrule mm when Resources.B.Type == \"X\" {{ {P}.Size == 4 }}\nrule bb {{ {P}.Size == 3 }}\n",
      "d.json": D1})
case("structured_skip_status", "validate -r r.guard -d d.json -z -o json -S none", {"r.guard": SKIP, "d.json": D1})
case("structured_empty_rules", "validate -r r.guard -d d.json -z -o json -S none", {"r.guard": "", "d.json": D1})
case("structured_unary", "validate -r r.guard -d d.yaml -z -o json -S none", {"d.yaml": Y1, "r.guard": f"""rule u_exists {{ {P}.Missing exists }}
rule u_empty {{ {P}.Name empty }}
rule u_isint {{ {P}.Name is_int }}
rule u_notexists {{ {P}.Name !exists }}
rule u_nonempty {{ {P}.Missing !empty }}
"""})
case("structured_in_regex_block", "validate -r r.guard -d d.yaml -z -o json -S none", {"d.yaml": Y1, "r.guard": f"""rule r_in {{ {P}.Name IN ["x", "y"] }}
rule r_re {{ {P}.Name == /^z/ }}
rule r_blk {{ {P}.Tags[*] {{ Key == "k1" }} }}
rule r_ub {{ {P}.Missing[*] {{ x == 1 }} }}
rule r_miss {{ {P}.Missing == 1 }}
"""})
case("structured_rule_refs_calls", "validate -r r.guard -d d.yaml -z -o yaml -S none", {"d.yaml": Y1, "r.guard": f"""rule base {{ {P}.Size == 4 }}
rule r_ref {{
  base
}}
rule chk(v) {{ %v == 4 <<call msg>> }}
rule r_call {{ chk({P}.Size) }}
rule r_or {{ {P}.Size == 4 or {P}.Name == "q" }}
"""})
case("structured_default_rule", "validate -r p.guard -r f.guard -d d.json -z -o json -S none",
     {"p.guard": f"{P}.Size == 3\n", "f.guard": f"{P}.Size == 4\n", "d.json": D1})

# ---------- payload / stdin / params / type ----------
PL = json.dumps({"rules": ["rule a { Resources.B.Properties.Size == 3 }", "rule b { Resources.B.Properties.Size == 4 }"],
                 "data": ['{"Resources": {"B": {"Type": "T", "Properties": {"Size": 3}}}}', "Resources:\n  B:\n    Type: T\n    Properties:\n      Size: 4\n"]}) + "\n"
case("payload_basic", "validate -P -S all", {}, stdin=PL)
case("payload_structured", "validate -P -z -o json -S none", {}, stdin=PL)
case("payload_syntax_error", "validate -P", {}, stdin='{"rules": ["rule a { x == }"], "data": ["{}"]}\n')
case("payload_default_rule", "validate -P", {}, stdin=json.dumps({"rules": ["Resources.B.Properties.Size == 4\nrule x { Resources.B.Properties.Size == 4 }"], "data": ['{"Resources": {"B": {"Type": "T", "Properties": {"Size": 3}}}}']}) + "\n")
case("payload_junit", "validate -P -z -o junit -S none", {}, stdin=PL)
case("payload_sarif", "validate -P -z -o sarif -S none", {}, stdin=PL)
case("stdin_data", "validate -r r.guard -S all", {"r.guard": MIX}, stdin=D1)
case("stdin_data_empty", "validate -r r.guard", {"r.guard": MIX}, stdin="")
IP = f"rule ip {{ {P}.Size == Allowed.Size\n  Other == 1 }}\nrule cnt {{ let c = count(Resources.*)\n  %c == 1 }}\n"
case("input_params", "validate -r r.guard -d d.json -i p.yaml -i q.json -S all",
     {"r.guard": IP, "d.json": D1, "p.yaml": "Allowed:\n  Size: 3\n", "q.json": '{"Other": 1}\n'})
case("input_params_missing_key", "validate -r r.guard -d d.json -i p.yaml -S all",
     {"r.guard": IP, "d.json": D1, "p.yaml": "Allowed:\n  Size: 3\n"})
case("input_params_conflict", "validate -r r.guard -d d.json -i p.yaml -i r.json -S all",
     {"r.guard": IP, "d.json": D1, "p.yaml": "Allowed:\n  Size: 3\n", "r.json": '{"Resources": {"C": {"Type": "T2"}}}\n'})
case("type_cfntemplate", "validate -r r.guard -d d.yaml -t CFNTemplate", {"r.guard": MIX, "d.yaml": Y1})

# ---------- other subcommands ----------
PT = """let t = "AWS::S3::Bucket"
rule r1 when Resources exists {
  Resources.*[ Type == %t ].Properties.Size >= 3 <<too small>>
  some Resources.*.Type IN ["A", "B"] or Resources empty
}
rule p(x) { %x exists }
"""
case("parse_tree_default_yaml", "parse-tree -r r.guard", {"r.guard": PT})
case("parse_tree_json", "parse-tree -r r.guard -p", {"r.guard": "rule a { x == 1 }\n"})
case("parse_tree_yaml_flag", "parse-tree -r r.guard -y", {"r.guard": "rule a { x == 1 }\n"})
case("parse_tree_syntax_error", "parse-tree -r r.guard", {"r.guard": SYN})
case("verbose_pass", "validate -r r.guard -d d.json -v", {"r.guard": PASS, "d.json": D1})
case("print_json_pass", "validate -r r.guard -d d.json -p", {"r.guard": PASS, "d.json": D1})
TR = "rule size_ok { Resources.B.Properties.Size == 3 }\n"
TT = """- name: good
  input:
    Resources:
      B:
        Type: T
        Properties:
          Size: 3
  expectations:
    rules:
      size_ok: PASS
- name: bad expectation
  input:
    Resources:
      B:
        Type: X
        Properties:
          Size: 4
  expectations:
    rules:
      size_ok: PASS
- name: skip case
  input: {}
  expectations:
    rules:
      size_ok: FAIL
"""
case("test_cmd_failing", "test -r r.guard -t t.yaml", {"r.guard": TR, "t.yaml": TT})
case("test_cmd_passing", "test -r r.guard -t t.yaml", {"r.guard": TR, "t.yaml": TT.split("- name: bad")[0]})
case("test_cmd_json", "test -r r.guard -t t.yaml -o json", {"r.guard": TR, "t.yaml": TT})


case("generic_S_all_sections", "validate -r r.guard -d d.json -S all",
     {"r.guard": "rule gp { a.b == 1 }\nrule gf { a.b == 2 }\nrule gs when a.z exists { a.b == 2 }\n", "d.json": '{"a": {"b": 1}}\n'})
case("generic_S_pass_skip_sections", "validate -r r.guard -d d.json -S pass,skip",
     {"r.guard": "rule gp { a.b == 1 }\nrule gf { a.b == 2 }\nrule gs when a.z exists { a.b == 2 }\n", "d.json": '{"a": {"b": 1}}\n'})
case("generic_pass_data_no_detail", "validate -r r.guard -d d.json -S all",
     {"r.guard": "rule gp { a.b == 1 }\nrule gs when a.z exists { a.b == 2 }\n", "d.json": '{"a": {"b": 1}}\n'})
case("err_alphabetical_and_last_modified", "validate -r r.guard -d d.json -a -m", {"r.guard": PASS, "d.json": D1})
case("err_bad_output_format", "validate -r r.guard -d d.json -o xml", {"r.guard": PASS, "d.json": D1})
case("cfn_reporter_ignores_pass_skip", "validate -r r.guard -d d.yaml -S all", {"r.guard": MIX, "d.yaml": Y1})


case("explicit_rules_file_any_extension", "validate -r r.txt -d d.json -S all", {"r.txt": PASS, "d.json": D1})
case("explicit_data_file_bad_extension_ignored", "validate -r r.guard -d d.txt -d e.JSON -S all", {"r.guard": PASS, "d.txt": D1, "e.JSON": D1})
case("duplicate_args_evaluated_twice", "validate -r r.guard -r r.guard -d d.json -d d.json -S all", {"r.guard": PASS, "d.json": D1})


det("detail_ordering_and_type_ops", f"""rule r {{
  {P}.Size > 5
  {P}.Size >= 5
  {P}.Size <= 2
  {P}.Size is_string
  {P}.Name is_list
  {P}.Size == 5 <<
      deep indent

   shallow
  >>
}}
""")

# ---------- run ----------
only = set(sys.argv[2:])
for name, cmd, files, stdin in cases:
    if only and name not in only: continue
    d = os.path.join(OUT, name)
    if os.path.exists(d): shutil.rmtree(d)
    os.makedirs(d)
    for fn, content in files.items():
        p = os.path.join(d, fn); os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write(content)
    open(os.path.join(d, "cmd"), "w").write(cmd + "\n")
    if stdin is not None: open(os.path.join(d, "stdin"), "w").write(stdin)
    real = os.path.realpath(d)
    results = set()
    for i in range(6):
        r = subprocess.run([ORA] + cmd.split(), cwd=d, input=(stdin or "").encode(), capture_output=True)
        results.add((r.stdout, r.returncode))
    if len(results) > 1: print("NONDETERMINISTIC", name)
    out = r.stdout.decode().replace(real, "@CASEDIR@")
    err = r.stderr.decode().replace(real, "@CASEDIR@")
    open(os.path.join(d, "stdout"), "w").write(out)
    open(os.path.join(d, "exit"), "w").write(f"{r.returncode}\n")
    if err: open(os.path.join(d, "stderr"), "w").write(err)
print(len(cases), "cases")
