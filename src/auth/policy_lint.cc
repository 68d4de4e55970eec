// Policy lint. Sources: IAM User Guide, "Access Analyzer policy check reference" (issue codes,
// finding types and findingDetails), "IAM JSON policy elements reference", "AWS global condition
// context keys"; the Service Authorization Reference for the condition keys of the services
// evoke serves.
#include "auth/policy_lint.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "auth/policy.h"
#include "http/message.h"

namespace evoke::auth {
namespace {

using http::ToLower;

// ---------------------------------------------------------------------------------------------
// JSON with positions: a small recursive parser (nesting is bounded) that keeps where each
// value and each member name starts and ends.

constexpr int kMaxDepth = 64;

struct Node {
  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  std::string text;  // string value; number as written; "true"/"false"
  std::vector<Node> items;
  std::vector<std::string> keys;  // object member names, parallel to items
  std::vector<LintPosition> key_starts, key_ends;
  LintPosition start, end;

  bool is(Type t) const { return type == t; }
  int Find(std::string_view key) const {
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return static_cast<int>(i);
    }
    return -1;
  }
};
using NType = Node::Type;

class JsonParser {
 public:
  explicit JsonParser(std::string_view s) : s_(s) {}

  // False with error() set on a syntax error.
  bool Parse(Node* root) {
    SkipSpace();
    if (!Value(root, 0)) return false;
    SkipSpace();
    if (i_ != s_.size()) return Fail();
    return true;
  }
  LintPosition error() const { return error_; }

 private:
  LintPosition Pos() const {
    return {line_, static_cast<int>(i_ - line_start_), static_cast<int>(i_)};
  }
  bool Fail() {
    error_ = Pos();
    return false;
  }
  void SkipSpace() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\n') {
        ++i_;
        ++line_;
        line_start_ = i_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++i_;
      } else {
        break;
      }
    }
  }
  bool Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return Fail();
    i_ += word.size();
    return true;
  }
  bool Value(Node* n, int depth) {
    if (depth > kMaxDepth || i_ >= s_.size()) return Fail();
    n->start = Pos();
    const char c = s_[i_];
    bool ok = false;
    if (c == '{') {
      ok = Object(n, depth);
    } else if (c == '[') {
      ok = Array(n, depth);
    } else if (c == '"') {
      n->type = NType::kString;
      ok = String(&n->text);
    } else if (c == 't' || c == 'f') {
      n->type = NType::kBool;
      n->text = c == 't' ? "true" : "false";
      ok = Literal(n->text);
    } else if (c == 'n') {
      ok = Literal("null");
    } else {
      n->type = NType::kNumber;
      ok = Number(&n->text);
    }
    n->end = Pos();
    return ok;
  }
  bool Digits() {
    const size_t from = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ > from;
  }
  bool Number(std::string* out) {
    const size_t from = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (!Digits()) {
      return Fail();
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!Digits()) return Fail();
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!Digits()) return Fail();
    }
    *out = std::string(s_.substr(from, i_ - from));
    return true;
  }
  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xc0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xe0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      *out += static_cast<char>(0xf0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  bool Hex4(uint32_t* out) {
    if (i_ + 4 > s_.size()) return Fail();
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        --i_;
        return Fail();
      }
    }
    *out = v;
    return true;
  }
  bool String(std::string* out) {
    ++i_;  // the opening quote
    while (true) {
      if (i_ >= s_.size()) return Fail();
      const unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return Fail();
      if (c != '\\') {
        *out += static_cast<char>(c);
        ++i_;
        continue;
      }
      if (++i_ >= s_.size()) return Fail();
      const char e = s_[i_++];
      switch (e) {
        case '"':
          *out += '"';
          break;
        case '\\':
          *out += '\\';
          break;
        case '/':
          *out += '/';
          break;
        case 'b':
          *out += '\b';
          break;
        case 'f':
          *out += '\f';
          break;
        case 'n':
          *out += '\n';
          break;
        case 'r':
          *out += '\r';
          break;
        case 't':
          *out += '\t';
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00 && s_.substr(i_, 2) == "\\u") {
            const size_t mark = i_;
            i_ += 2;
            uint32_t low = 0;
            if (!Hex4(&low)) return false;
            if (low >= 0xdc00 && low < 0xe000) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            } else {
              i_ = mark;  // a lone high surrogate, kept as it is
            }
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          --i_;
          return Fail();
      }
    }
  }
  bool Array(Node* n, int depth) {
    n->type = NType::kArray;
    ++i_;
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return true;
    }
    while (true) {
      SkipSpace();
      n->items.emplace_back();
      if (!Value(&n->items.back(), depth + 1)) return false;
      SkipSpace();
      if (i_ >= s_.size()) return Fail();
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == ']') {
        ++i_;
        return true;
      }
      return Fail();
    }
  }
  bool Object(Node* n, int depth) {
    n->type = NType::kObject;
    ++i_;
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != '"') return Fail();
      n->key_starts.push_back(Pos());
      n->keys.emplace_back();
      if (!String(&n->keys.back())) return false;
      n->key_ends.push_back(Pos());
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != ':') return Fail();
      ++i_;
      SkipSpace();
      n->items.emplace_back();
      if (!Value(&n->items.back(), depth + 1)) return false;
      SkipSpace();
      if (i_ >= s_.size()) return Fail();
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == '}') {
        ++i_;
        return true;
      }
      return Fail();
    }
  }

  std::string_view s_;
  size_t i_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  LintPosition error_;
};

// ---------------------------------------------------------------------------------------------
// Known condition keys (lower case). A name ending in '/' is a prefix that needs a tag key or
// another suffix after it.

constexpr std::string_view kGlobalKeys[] = {"aws:calledvia",
                                            "aws:calledviafirst",
                                            "aws:calledvialast",
                                            "aws:chatbotsourcearn",
                                            "aws:currenttime",
                                            "aws:ec2instancesourceprivateipv4",
                                            "aws:ec2instancesourcevpc",
                                            "aws:epochtime",
                                            "aws:federatedprovider",
                                            "aws:isMcpServiceAction",
                                            "aws:multifactorauthage",
                                            "aws:multifactorauthpresent",
                                            "aws:principalaccount",
                                            "aws:principalarn",
                                            "aws:principalisawsservice",
                                            "aws:principalorgid",
                                            "aws:principalorgpaths",
                                            "aws:principalservicename",
                                            "aws:principalservicenameslist",
                                            "aws:principaltag/",
                                            "aws:principaltype",
                                            "aws:referer",
                                            "aws:requestedregion",
                                            "aws:requesttag/",
                                            "aws:resourceaccount",
                                            "aws:resourceorgid",
                                            "aws:resourceorgpaths",
                                            "aws:resourcetag/",
                                            "aws:securetransport",
                                            "aws:sourceaccount",
                                            "aws:sourcearn",
                                            "aws:sourceidentity",
                                            "aws:sourceip",
                                            "aws:sourceorgid",
                                            "aws:sourceorgpaths",
                                            "aws:sourcevpc",
                                            "aws:sourcevpcarn",
                                            "aws:sourcevpce",
                                            "aws:tagkeys",
                                            "aws:tokenissuetime",
                                            "aws:useragent",
                                            "aws:userid",
                                            "aws:username",
                                            "aws:viaawsservice",
                                            "aws:vpcsourceip",
                                            "aws:viaawsmcpservice",
                                            "aws:assumedroot"};

struct ServiceKeys {
  std::string_view service;
  std::vector<std::string_view> keys;
};

const std::vector<ServiceKeys>& KnownServiceKeys() {
  static const std::vector<ServiceKeys> keys = {
      {"s3",
       {"s3:accessgrantsinstancearn",
        "s3:accesspointnetworkorigin",
        "s3:authtype",
        "s3:buckettag/",
        "s3:dataaccesspointaccount",
        "s3:dataaccesspointarn",
        "s3:delimiter",
        "s3:existingjoboperation",
        "s3:existingjobpriority",
        "s3:existingobjecttag/",
        "s3:jobsuspendedcause",
        "s3:locationconstraint",
        "s3:max-keys",
        "s3:object-lock-legal-hold",
        "s3:object-lock-mode",
        "s3:object-lock-remaining-retention-days",
        "s3:object-lock-retain-until-date",
        "s3:objectcreationoperation",
        "s3:prefix",
        "s3:requestjoboperation",
        "s3:requestjobpriority",
        "s3:requestobjecttag/",
        "s3:requestobjecttagkeys",
        "s3:resourceaccount",
        "s3:signatureage",
        "s3:signatureversion",
        "s3:tlsversion",
        "s3:versionid",
        "s3:x-amz-acl",
        "s3:x-amz-content-sha256",
        "s3:x-amz-copy-source",
        "s3:x-amz-grant-full-control",
        "s3:x-amz-grant-read",
        "s3:x-amz-grant-read-acp",
        "s3:x-amz-grant-write",
        "s3:x-amz-grant-write-acp",
        "s3:x-amz-metadata-directive",
        "s3:x-amz-object-ownership",
        "s3:x-amz-server-side-encryption",
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
        "s3:x-amz-server-side-encryption-customer-algorithm",
        "s3:x-amz-storage-class",
        "s3:x-amz-website-redirect-location",
        "s3:x-amz-checksum-algorithm",
        "s3:if-match",
        "s3:if-none-match"}},
      {"lambda",
       {"lambda:codesigningconfigarn", "lambda:eventsourcetoken", "lambda:functionarn",
        "lambda:functionurlauthtype", "lambda:layer", "lambda:principal", "lambda:securitygroupids",
        "lambda:sourcefunctionarn", "lambda:subnetids", "lambda:vpcids",
        "lambda:invokedviafunctionurl"}},
      {"logs", {"logs:deliverydestinationresourcearn", "logs:loggeneratingresourcearns"}},
      {"events",
       {"events:creatoraccount", "events:detail-type", "events:detail.eventtypecode",
        "events:detail.service", "events:detail.useridentity.principalid",
        "events:eventbusinvocation", "events:managedby", "events:source", "events:targetarn"}},
      {"scheduler", {}},
      {"iam",
       {"iam:awsservicename", "iam:associatedresourcearn", "iam:fido-fips-140-2-certification",
        "iam:fido-fips-140-3-certification", "iam:fido-certification", "iam:organizationspolicyid",
        "iam:passedtoservice", "iam:permissionsboundary", "iam:policyarn",
        "iam:registersecuritykey", "iam:resourcetag/", "iam:servicespecificcredentialagedays",
        "iam:servicespecificcredentialservicename"}},
      {"sts",
       {"sts:awsservicename", "sts:durationseconds", "sts:externalid", "sts:rolesessionname",
        "sts:sourceidentity", "sts:transitivetagkeys", "sts:requestcontext",
        "sts:requestcontextproviders", "sts:identitytokenaudience", "sts:signingalgorithm",
        "sts:duration"}},
      {"access-analyzer", {}},
  };
  return keys;
}

// Whether `key` (lower case) is in a list of known keys.
bool KeyKnown(std::string_view key, const std::vector<std::string_view>& known) {
  for (std::string_view k : known) {
    if (k.ends_with('/') ? key.starts_with(k) && key.size() > k.size() : ToLower(k) == key) {
      return true;
    }
  }
  return false;
}

// The ARN vendors a service's actions are authorized against.
std::vector<std::string_view> ResourceVendors(std::string_view service) {
  if (service == "sts") return {"sts", "iam"};  // sts:AssumeRole names the role
  return {service};
}

bool HasWildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// arn:partition:service:region:account:resource; false with fewer than six parts.
bool SplitArn(std::string_view s, std::array<std::string_view, 6>* parts) {
  size_t start = 0, n = 0;
  for (size_t i = 0; i < s.size() && n < 5; ++i) {
    if (s[i] == ':') {
      (*parts)[n++] = s.substr(start, i - start);
      start = i + 1;
    }
  }
  if (n < 5) return false;
  (*parts)[5] = s.substr(start);
  return true;
}

// Levenshtein distance, for suggestions.
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

constexpr std::string_view kLearnMore =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";

// The anchor AWS's page gives a check: "#access-analyzer-reference-policy-checks-error-invalid-
// action" for ERROR "Invalid action".
std::string LearnMore(std::string_view type, std::string_view title) {
  std::string anchor = "#access-analyzer-reference-policy-checks-";
  if (type == "ERROR") anchor += "error-";
  if (type == "WARNING") anchor += "general-warning-";
  if (type == "SECURITY_WARNING") anchor += "security-warning-";
  if (type == "SUGGESTION") anchor += "suggestion-";
  for (char c : title) {
    anchor += c == ' ' ? '-' : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return std::string(kLearnMore) + anchor;
}

// evoke's own checks point at what they rest on.
std::string LinkFor(std::string_view type, std::string_view code, std::string_view title) {
  if (code == "EVOKE_ACTION_MATCHES_NO_RESOURCE") {
    return "https://docs.aws.amazon.com/service-authorization/latest/reference/"
           "reference_policies_actions-resources-contextkeys.html";
  }
  if (code == "EVOKE_PUBLIC_ACCESS") {
    return "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
           "access-control-block-public-access.html#access-control-block-public-access-policy-"
           "status";
  }
  return LearnMore(type, title);
}

// ---------------------------------------------------------------------------------------------
// The checks.

class Linter {
 public:
  Linter(LintPolicyType type, const ActionCatalog& catalog) : type_(type), catalog_(catalog) {}

  std::vector<LintFinding> Run(const Node& root) {
    if (!root.is(NType::kObject)) {
      Add("ERROR", "DATA_TYPE_MISMATCH", "Data type mismatch",
          "The text does not match the expected JSON data type Object.", {}, root);
      return std::move(findings_);
    }
    for (size_t i = 0; i < root.keys.size(); ++i) {
      const std::string& k = root.keys[i];
      if (k != "Version" && k != "Id" && k != "Statement") {
        AddKey("ERROR", "INVALID_POLICY_ELEMENT", "Invalid policy element",
               "The policy element " + k + " is not valid.", {}, root, i);
      }
    }
    const int version = root.Find("Version");
    if (version < 0) {
      Add("WARNING", "MISSING_VERSION", "Missing version",
          "We recommend that you specify the Version element to help you with debugging "
          "permission issues.",
          {}, root);
    } else {
      const Node& v = root.items[version];
      if (!v.is(NType::kString) || (v.text != "2012-10-17" && v.text != "2008-10-17")) {
        Add("ERROR", "INVALID_VERSION", "Invalid version",
            "The version " + (v.is(NType::kString) ? v.text : std::string("value")) +
                " is not valid. Use one of the following versions: 2012-10-17, 2008-10-17",
            {Value("Version")}, v);
      }
    }
    const int statement = root.Find("Statement");
    if (statement < 0) {
      Add("ERROR", "MISSING_STATEMENT", "Missing statement", "Add a statement to the policy", {},
          root);
      return std::move(findings_);
    }
    const Node& st = root.items[statement];
    Path path = {Value("Statement")};
    if (st.is(NType::kObject)) {
      Statement(st, path);
    } else if (st.is(NType::kArray)) {
      if (st.items.empty()) {
        Add("ERROR", "MISSING_STATEMENT", "Missing statement", "Add a statement to the policy",
            path, st);
      }
      for (size_t i = 0; i < st.items.size(); ++i) {
        Path p = path;
        p.push_back(Index(i));
        Statement(st.items[i], p);
      }
      UniqueSids(st, path);
    } else {
      Mismatch(path, st, "Array");
    }
    return std::move(findings_);
  }

 private:
  using Path = std::vector<LintPathElement>;
  static LintPathElement Value(std::string name) {
    return {LintPathElement::Kind::kValue, 0, std::move(name)};
  }
  static LintPathElement Index(size_t i) {
    return {LintPathElement::Kind::kIndex, static_cast<int>(i), {}};
  }

  void Add(std::string_view type, std::string_view code, std::string_view title,
           std::string details, Path path, const Node& at) {
    findings_.push_back({std::string(type),
                         std::string(code),
                         std::move(details),
                         LinkFor(type, code, title),
                         {{std::move(path), at.start, at.end}}});
  }
  // A finding at member i's name.
  void AddKey(std::string_view type, std::string_view code, std::string_view title,
              std::string details, Path path, const Node& object, size_t i) {
    path.push_back({LintPathElement::Kind::kKey, 0, object.keys[i]});
    findings_.push_back({std::string(type),
                         std::string(code),
                         std::move(details),
                         LinkFor(type, code, title),
                         {{std::move(path), object.key_starts[i], object.key_ends[i]}}});
  }
  void Mismatch(const Path& path, const Node& at, std::string_view expected) {
    Add("ERROR", "DATA_TYPE_MISMATCH", "Data type mismatch",
        "The text does not match the expected JSON data type " + std::string(expected) + ".", path,
        at);
  }

  // The strings of an element written as a string or an array of strings (with their nodes);
  // false (and a DATA_TYPE_MISMATCH) otherwise.
  bool Strings(const Node& v, const Path& path, std::vector<const Node*>* out) {
    out->clear();
    if (v.is(NType::kString)) {
      out->push_back(&v);
      return true;
    }
    if (!v.is(NType::kArray)) {
      Mismatch(path, v, "String");
      return false;
    }
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (!v.items[i].is(NType::kString)) {
        Path p = path;
        p.push_back(Index(i));
        Mismatch(p, v.items[i], "String");
        return false;
      }
      out->push_back(&v.items[i]);
    }
    return true;
  }
  // The path of item k of an element read by Strings.
  static Path ItemPath(const Node& v, const Path& path, size_t k) {
    Path p = path;
    if (v.is(NType::kArray)) p.push_back(Index(k));
    return p;
  }

  void UniqueSids(const Node& statements, const Path& path) {
    std::vector<std::string> seen;
    for (size_t i = 0; i < statements.items.size(); ++i) {
      const Node& s = statements.items[i];
      if (!s.is(NType::kObject)) continue;
      const int sid = s.Find("Sid");
      if (sid < 0 || !s.items[sid].is(NType::kString) || s.items[sid].text.empty()) continue;
      const std::string& text = s.items[sid].text;
      if (std::find(seen.begin(), seen.end(), text) != seen.end()) {
        Path p = path;
        p.push_back(Index(i));
        p.push_back(Value("Sid"));
        if (type_ == LintPolicyType::kIdentity) {
          Add("ERROR", "UNIQUE_SIDS_REQUIRED", "Unique Sids required",
              "Duplicate statement IDs are not supported for this policy type. Update the Sid "
              "value.",
              p, s.items[sid]);
        } else {
          Add("WARNING", "UNIQUE_SIDS_RECOMMENDED", "Unique Sids recommended",
              "We recommend that you use statement IDs that are unique to your policy. Update the "
              "Sid value.",
              p, s.items[sid]);
        }
      }
      seen.push_back(text);
    }
  }

  void Statement(const Node& s, const Path& path) {
    if (!s.is(NType::kObject)) {
      Mismatch(path, s, "Object");
      return;
    }
    static constexpr std::string_view kElements[] = {"Sid",       "Effect",       "Action",
                                                     "NotAction", "Resource",     "NotResource",
                                                     "Principal", "NotPrincipal", "Condition"};
    for (size_t i = 0; i < s.keys.size(); ++i) {
      if (std::find(std::begin(kElements), std::end(kElements), s.keys[i]) == std::end(kElements)) {
        AddKey("ERROR", "INVALID_POLICY_ELEMENT", "Invalid policy element",
               "The policy element " + s.keys[i] + " is not valid.", path, s, i);
      }
    }
    for (auto [a, b] : {std::pair{"Action", "NotAction"}, std::pair{"Resource", "NotResource"},
                        std::pair{"Principal", "NotPrincipal"}}) {
      const int second = s.Find(b);
      if (s.Find(a) >= 0 && second >= 0) {
        AddKey("ERROR", "UNSUPPORTED_ELEMENT_COMBINATION", "Unsupported element combination",
               std::string("The policy elements ") + a + " and " + b +
                   " can not be used in the same statement. Remove one of these elements.",
               path, s, static_cast<size_t>(second));
      }
    }

    // Sid
    if (const int sid = s.Find("Sid"); sid >= 0) {
      const Node& v = s.items[sid];
      Path p = path;
      p.push_back(Value("Sid"));
      if (!v.is(NType::kString)) {
        Mismatch(p, v, "String");
      } else if (type_ == LintPolicyType::kIdentity &&
                 !std::all_of(v.text.begin(), v.text.end(), [](char c) {
                   return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                          (c >= 'A' && c <= 'Z');
                 })) {
        Add("ERROR", "UNSUPPORTED_SID", "Unsupported Sid",
            "Update the characters in the Sid element to use one of the following character "
            "types: [a-z, A-Z, 0-9]",
            p, v);
      }
    }

    // Effect
    bool allow = false;
    const int effect = s.Find("Effect");
    if (effect < 0) {
      Add("ERROR", "MISSING_EFFECT", "Missing effect",
          "Add an Effect element to the policy statement with a value of Allow or Deny.", path, s);
    } else {
      const Node& v = s.items[effect];
      Path p = path;
      p.push_back(Value("Effect"));
      if (!v.is(NType::kString)) {
        Mismatch(p, v, "String");
      } else if (v.text != "Allow" && v.text != "Deny") {
        Add("ERROR", "INVALID_EFFECT", "Invalid effect",
            "The effect " + v.text + " is not valid. Use Allow or Deny.", p, v);
      } else {
        allow = v.text == "Allow";
      }
    }

    // Principal
    const int principal = s.Find("Principal");
    const int not_principal = s.Find("NotPrincipal");
    const bool resource_kind = type_ == LintPolicyType::kResource;
    if (principal >= 0 || not_principal >= 0) {
      const size_t at = static_cast<size_t>(principal >= 0 ? principal : not_principal);
      if (type_ == LintPolicyType::kIdentity) {
        AddKey("ERROR", "UNSUPPORTED_PRINCIPAL", "Unsupported principal",
               "The policy type IDENTITY_POLICY does not support the Principal element. Remove "
               "the Principal element.",
               path, s, at);
      } else if (type_ == LintPolicyType::kServiceControl) {
        AddKey("ERROR", "SCP_SYNTAX_ERROR_PRINCIPAL", "SCP syntax error principal",
               "SCPs do not support specifying principals. Remove the Principal or NotPrincipal "
               "element.",
               path, s, at);
      }
    } else if (resource_kind) {
      Add("ERROR", "MISSING_PRINCIPAL", "Missing principal",
          "Add a Principal element to the policy statement.", path, s);
    }
    if (resource_kind && allow && not_principal >= 0) {
      AddKey("SECURITY_WARNING", "ALLOW_WITH_NOT_PRINCIPAL", "Allow with NotPrincipal",
             "Using Allow with NotPrincipal can be overly permissive. We recommend that you use "
             "Principal instead.",
             path, s, static_cast<size_t>(not_principal));
    }

    // Action
    const int action = s.Find("Action");
    const int not_action = s.Find("NotAction");
    std::vector<const Node*> actions;
    Path action_path = path;
    const Node* action_node = nullptr;
    if (action < 0 && not_action < 0) {
      Add("ERROR", "MISSING_ACTION", "Missing action",
          "Add an Action or NotAction element to the policy statement.", path, s);
    } else {
      const bool is_not = action < 0;
      action_node = &s.items[is_not ? not_action : action];
      action_path.push_back(Value(is_not ? "NotAction" : "Action"));
      if (Strings(*action_node, action_path, &actions)) {
        if (actions.empty()) {
          Add("SUGGESTION", "EMPTY_ARRAY_ACTION", "Empty array action",
              "This statement includes no actions and does not affect the policy. Specify "
              "actions.",
              action_path, *action_node);
        }
        for (size_t k = 0; k < actions.size(); ++k) {
          CheckAction(actions[k]->text, ItemPath(*action_node, action_path, k), *actions[k]);
        }
      } else {
        actions.clear();
        action_node = nullptr;
      }
    }

    // Resource
    const int resource = s.Find("Resource");
    const int not_resource = s.Find("NotResource");
    std::vector<const Node*> resources;
    const Node* resource_node = nullptr;
    Path resource_path = path;
    if (resource < 0 && not_resource < 0) {
      if (type_ == LintPolicyType::kIdentity) {
        Add("ERROR", "MISSING_RESOURCE", "Missing resource",
            "Add a Resource or NotResource element to the policy statement.", path, s);
      }
    } else {
      const bool is_not = resource < 0;
      resource_node = &s.items[is_not ? not_resource : resource];
      resource_path.push_back(Value(is_not ? "NotResource" : "Resource"));
      if (Strings(*resource_node, resource_path, &resources)) {
        for (size_t k = 0; k < resources.size(); ++k) {
          CheckResource(resources[k]->text, ItemPath(*resource_node, resource_path, k),
                        *resources[k]);
        }
      } else {
        resources.clear();
        resource_node = nullptr;
      }
    }

    // Condition
    std::vector<std::string> keys;
    if (const int condition = s.Find("Condition"); condition >= 0) {
      Path p = path;
      p.push_back(Value("Condition"));
      Condition(s.items[condition], p, &keys);
    }

    // A statement naming actions of a known service and only resources they cannot be
    // authorized against never applies (evoke's own check).
    if (action >= 0 && resource >= 0 && action_node && resource_node) {
      for (size_t k = 0; k < actions.size(); ++k) {
        NeverMatches(actions[k]->text, resources, ItemPath(*action_node, action_path, k),
                     *actions[k]);
      }
    }

    if (allow && action_node && resource_node) {
      PassRole(action >= 0, actions, resource >= 0, resources, keys, path, s,
               static_cast<size_t>(resource >= 0 ? resource : not_resource));
    }
    if (resource_kind && allow && principal >= 0 && s.Find("Condition") < 0 &&
        NamesEveryone(s.items[principal])) {
      Path p = path;
      p.push_back(Value("Principal"));
      Add("SECURITY_WARNING", "EVOKE_PUBLIC_ACCESS", "Public access",
          "This statement allows everyone (Principal \"*\") without a condition: anyone, "
          "anonymous callers included, gets the access it grants. Name the principals that need "
          "access, or add a condition on aws:PrincipalAccount, aws:SourceArn or aws:SourceIp.",
          p, s.items[principal]);
    }
  }

  static bool NamesEveryone(const Node& principal) {
    if (principal.is(NType::kString)) return principal.text == "*";
    if (!principal.is(NType::kObject)) return false;
    const int aws = principal.Find("AWS");
    if (aws < 0) return false;
    const Node& v = principal.items[aws];
    if (v.is(NType::kString)) return v.text == "*";
    for (const Node& item : v.items) {
      if (item.is(NType::kString) && item.text == "*") return true;
    }
    return false;
  }

  void CheckAction(const std::string& action, const Path& path, const Node& at) {
    if (action == "*") return;
    const size_t colon = action.find(':');
    if (colon == std::string::npos) {
      Add("ERROR", "INVALID_ACTION", "Invalid action", "The action " + action + " does not exist.",
          path, at);
      return;
    }
    const std::string_view service = std::string_view(action).substr(0, colon);
    if (!catalog_.KnowsService(service) || HasWildcard(action)) return;
    if (catalog_.Knows(action)) return;
    std::string details = "The action " + action + " does not exist.";
    if (auto suggestion = catalog_.Suggest(action)) details += " Did you mean " + *suggestion + "?";
    Add("ERROR", "INVALID_ACTION", "Invalid action", std::move(details), path, at);
  }

  void CheckResource(const std::string& r, const Path& path, const Node& at) {
    if (r == "*") return;
    if (!r.starts_with("arn:")) {
      Add("ERROR", "INVALID_ARN_PREFIX", "Invalid ARN prefix",
          "Add the required prefix (arn) to the resource ARN.", path, at);
      return;
    }
    std::array<std::string_view, 6> a;
    if (!SplitArn(r, &a)) {
      Add("ERROR", "MISSING_ARN_FIELD", "Missing ARN field",
          "Resource ARNs must include at least fields in the following structure: "
          "arn:partition:service:region:account:resource",
          path, at);
      return;
    }
    const std::string service = ToLower(a[2]);
    if (service != a[2] && !HasWildcard(a[2])) {
      Add("ERROR", "INVALID_ARN_SERVICE_CASE", "Invalid ARN service case",
          "Update the service name in the resource ARN to use all lowercase letters.", path, at);
      return;
    }
    const bool global = service == "s3" || service == "iam";
    if (global && !a[3].empty() && a[3] != "*") {
      Add("ERROR", "ARN_REGION_NOT_ALLOWED", "ARN Region not allowed",
          "The service " + service + " does not support specifying a Region in the resource ARN.",
          path, at);
    }
    if (service == "s3" && !a[4].empty() && a[4] != "*") {
      Add("ERROR", "ARN_ACCOUNT_NOT_ALLOWED", "ARN account not allowed",
          "The service s3 does not support specifying an account ID in the resource ARN.", path,
          at);
    }
  }

  void NeverMatches(const std::string& action, const std::vector<const Node*>& resources,
                    const Path& path, const Node& at) {
    const size_t colon = action.find(':');
    if (colon == std::string::npos || HasWildcard(action)) return;
    const std::string service = ToLower(action.substr(0, colon));
    if (!catalog_.KnowsService(service) || !catalog_.Knows(action)) return;
    // 0: not an S3 action of the table; else its resource type (an int: GCC 12 at -O3 warns
    // about comparing the optional it came from).
    enum { kNone, kBucket, kObject };
    int s3_type = kNone;
    if (service == "s3") {
      if (auto t = S3ResourceTypeOf(action)) {
        s3_type = *t == S3ResourceType::kBucket ? kBucket : kObject;
      }
    }
    const std::vector<std::string_view> vendors = ResourceVendors(service);
    for (const Node* r : resources) {
      std::array<std::string_view, 6> a;
      if (r->text == "*" || !r->text.starts_with("arn:") || !SplitArn(r->text, &a)) return;
      if (HasWildcard(a[2])) return;
      if (std::find(vendors.begin(), vendors.end(), ToLower(a[2])) == vendors.end()) continue;
      if (s3_type == kNone) return;
      const std::string_view name = a[5];
      const bool can = s3_type == kBucket
                           ? name.find('/') == std::string_view::npos
                           : name.find_first_of("/*") != std::string_view::npos;
      if (can) return;
    }
    std::string details = "The action " + action + " is authorized against ";
    if (s3_type == kBucket) {
      details += "a bucket (arn:aws:s3:::BUCKET), and no resource of this statement is a bucket";
    } else if (s3_type == kObject) {
      details +=
          "an object (arn:aws:s3:::BUCKET/KEY), and no resource of this statement is an object";
    } else {
      details += "resources of the service " + service +
                 " (arn:aws:" + std::string(vendors.back()) +
                 ":...), and this statement names none";
    }
    details += ": the statement never applies to it.";
    Add("ERROR", "EVOKE_ACTION_MATCHES_NO_RESOURCE", "Action matches no resource",
        std::move(details), path, at);
  }

  void PassRole(bool is_action, const std::vector<const Node*>& actions, bool is_resource,
                const std::vector<const Node*>& resources, const std::vector<std::string>& keys,
                const Path& path, const Node& s, size_t resource_member) {
    if (std::find(keys.begin(), keys.end(), "iam:passedtoservice") != keys.end()) return;
    bool exact = false, wildcard = false;
    for (const Node* a : actions) {
      const std::string lower = ToLower(a->text);
      if (lower == "iam:passrole") exact = true;
      if (lower != "iam:passrole" && HasWildcard(lower) && WildcardMatches(lower, "iam:passrole")) {
        wildcard = true;
      }
    }
    bool star = false;
    for (const Node* r : resources) star = star || r->text.find('*') != std::string::npos;
    std::string_view code, title, details;
    if (is_action && is_resource && star && exact) {
      code = "PASS_ROLE_WITH_STAR_IN_RESOURCE";
      title = "Pass role with star in resource";
      details =
          "Using the iam:PassRole action with wildcards (*) in the resource can be overly "
          "permissive because it allows iam:PassRole permissions on multiple resources. We "
          "recommend that you specify resource ARNs or add the iam:PassedToService condition key "
          "to your statement.";
    } else if (is_action && is_resource && star && wildcard) {
      code = "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE";
      title = "Pass role with star in action and resource";
      details =
          "Using wildcards (*) in the action and the resource can be overly permissive because "
          "it allows iam:PassRole permissions on all resources. We recommend that you specify "
          "resource ARNs or add the iam:PassedToService condition key to your statement.";
    } else if (is_action && !is_resource && exact) {
      code = "PASS_ROLE_WITH_NOT_RESOURCE";
      title = "Pass role with NotResource";
      details =
          "Using the iam:PassRole action with NotResource can be overly permissive because it "
          "can allow iam:PassRole permissions on multiple resources. We recommend that you "
          "specify resource ARNs instead.";
    } else if (is_action && !is_resource && wildcard) {
      code = "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE";
      title = "Pass role with star in action and NotResource";
      details =
          "Using an action with a wildcard (*) and NotResource can be overly permissive because "
          "it can allow iam:PassRole permissions on multiple resources. We recommend that you "
          "specify resource ARNs instead.";
    } else if (!is_action && !exact && !wildcard && !is_resource) {
      code = "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE";
      title = "Pass role with NotAction and NotResource";
      details =
          "Using NotAction with NotResource can be overly permissive because it can allow "
          "iam:PassRole permissions on multiple resources.. We recommend that you specify "
          "resource ARNs instead.";
    } else if (!is_action && !exact && !wildcard && is_resource && star) {
      code = "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION";
      title = "Pass role with star in resource and NotAction";
      details =
          "Using a resource with wildcards (*) and NotAction can be overly permissive because it "
          "allows iam:PassRole permissions on all resources. We recommend that you specify "
          "resource ARNs or add the iam:PassedToService condition key to your statement.";
    } else {
      return;
    }
    AddKey("SECURITY_WARNING", code, title, std::string(details), path, s, resource_member);
  }

  // '*' and '?' wildcards, case-insensitive (both sides lower case).
  static bool WildcardMatches(std::string_view p, std::string_view s) {
    size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
    while (si < s.size()) {
      if (pi < p.size() && p[pi] == '*') {
        star = pi++;
        mark = si;
      } else if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
        ++pi;
        ++si;
      } else if (star != std::string_view::npos) {
        pi = star + 1;
        si = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
  }

  void Condition(const Node& c, const Path& path, std::vector<std::string>* keys) {
    if (!c.is(NType::kObject)) {
      Mismatch(path, c, "Object");
      return;
    }
    for (size_t i = 0; i < c.keys.size(); ++i) {
      std::string_view op = c.keys[i];
      if (op.starts_with("ForAnyValue:")) {
        op.remove_prefix(12);
      } else if (op.starts_with("ForAllValues:")) {
        op.remove_prefix(13);
      }
      const bool if_exists = op.ends_with("IfExists");
      if (if_exists) op.remove_suffix(8);
      static constexpr std::string_view kOperators[] = {"StringEquals",
                                                        "StringNotEquals",
                                                        "StringEqualsIgnoreCase",
                                                        "StringNotEqualsIgnoreCase",
                                                        "StringLike",
                                                        "StringNotLike",
                                                        "NumericEquals",
                                                        "NumericNotEquals",
                                                        "NumericLessThan",
                                                        "NumericLessThanEquals",
                                                        "NumericGreaterThan",
                                                        "NumericGreaterThanEquals",
                                                        "DateEquals",
                                                        "DateNotEquals",
                                                        "DateLessThan",
                                                        "DateLessThanEquals",
                                                        "DateGreaterThan",
                                                        "DateGreaterThanEquals",
                                                        "Bool",
                                                        "BinaryEquals",
                                                        "IpAddress",
                                                        "NotIpAddress",
                                                        "ArnEquals",
                                                        "ArnLike",
                                                        "ArnNotEquals",
                                                        "ArnNotLike",
                                                        "Null"};
      if (std::find(std::begin(kOperators), std::end(kOperators), op) == std::end(kOperators)) {
        AddKey("ERROR", "INVALID_CONDITION_OPERATOR", "Invalid condition operator",
               "The condition operator " + c.keys[i] +
                   " is not valid. Use a valid condition operator.",
               path, c, i);
        continue;
      }
      if (op == "Null" && if_exists) {
        AddKey("ERROR", "NULL_WITH_IF_EXISTS", "Null with if exists",
               "The Null condition operator cannot be used with the IfExists suffix. Update the "
               "operator or the suffix.",
               path, c, i);
      }
      const Node& block = c.items[i];
      Path block_path = path;
      block_path.push_back(Value(c.keys[i]));
      if (!block.is(NType::kObject)) {
        Mismatch(block_path, block, "Object");
        continue;
      }
      std::vector<std::string> lower_keys;
      for (size_t k = 0; k < block.keys.size(); ++k) {
        const std::string key = ToLower(block.keys[k]);
        if (std::find(lower_keys.begin(), lower_keys.end(), key) != lower_keys.end()) {
          AddKey("ERROR", "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                 "Duplicate keys with different case",
                 "The condition key " + block.keys[k] +
                     " appears more than once with different capitalization in the same "
                     "condition block. Remove the duplicate condition keys.",
                 block_path, block, k);
        }
        lower_keys.push_back(key);
        keys->push_back(key);
        CheckConditionKey(block.keys[k], key, block_path, block, k);
        const Node& values = block.items[k];
        Path value_path = block_path;
        value_path.push_back(Value(block.keys[k]));
        if (values.is(NType::kArray) && values.items.empty()) {
          Add("SUGGESTION", "EMPTY_ARRAY_CONDITION", "Empty array condition",
              "There are no values for the condition key and it does not affect the policy. "
              "Specify conditions.",
              value_path, values);
        }
        CheckValues(op, values, value_path);
      }
    }
  }

  // The values under one condition key, against their operator's type.
  void CheckValues(std::string_view op, const Node& values, const Path& path) {
    std::vector<std::pair<const Node*, Path>> items;
    if (values.is(NType::kArray)) {
      for (size_t i = 0; i < values.items.size(); ++i) {
        Path p = path;
        p.push_back(Index(i));
        items.emplace_back(&values.items[i], std::move(p));
      }
    } else {
      items.emplace_back(&values, path);
    }
    const bool numeric = op.starts_with("Numeric");
    const bool date = op.starts_with("Date");
    const bool boolean = op == "Bool";
    const bool ip = op == "IpAddress" || op == "NotIpAddress";
    const bool plain_string = op == "StringEquals" || op == "StringNotEquals" ||
                              op == "StringEqualsIgnoreCase" || op == "StringNotEqualsIgnoreCase";
    for (const auto& [v, p] : items) {
      if (v->is(NType::kArray) || v->is(NType::kObject) || v->is(NType::kNull)) {
        Mismatch(p, *v, "String");
        continue;
      }
      const std::string& text = v->text;
      if ((numeric || date || boolean || ip) && text.find("${") != std::string::npos) {
        Add("ERROR", "INVALID_VARIABLE_FOR_OPERATOR", "Invalid variable for operator",
            "Policy variables can only be used with String and ARN operators.", p, *v);
      } else if (numeric && !IsNumber(text)) {
        Add("WARNING", "TYPE_MISMATCH_NUMBER", "Type mismatch number",
            "Add a valid numeric value for the condition operator.", p, *v);
      } else if (boolean && text != "true" && text != "false") {
        Add("WARNING", "TYPE_MISMATCH_BOOLEAN", "Type mismatch Boolean",
            "Add a valid Boolean value (true or false) for the condition operator.", p, *v);
      } else if (date && !IsDate(text)) {
        Add("WARNING", "TYPE_MISMATCH_DATE", "Type mismatch date",
            "The date condition operator is used with an invalid value. Specify a valid date "
            "using YYYY-MM-DD or other ISO 8601 date/time format.",
            p, *v);
      } else if (ip && !IsCidr(text)) {
        Add("WARNING", "TYPE_MISMATCH_IP_RANGE", "Type mismatch IP range",
            "The condition operator is used with an invalid IP range value. Specify the IP "
            "range in standard CIDR format.",
            p, *v);
      } else if (plain_string && HasWildcard(text) && text.find("${") == std::string::npos) {
        Add("WARNING", "WILDCARD_WITHOUT_LIKE_OPERATOR", "Wildcard without like operator",
            "Your condition value includes a * or ? character. If you meant to use a wildcard "
            "(*, ?), update the condition operator to include Like.",
            p, *v);
      }
    }
  }

  static bool IsNumber(std::string_view s) {
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
    bool digits = false, dot = false;
    for (char c : s) {
      if (c >= '0' && c <= '9') {
        digits = true;
      } else if (c == '.' && !dot) {
        dot = true;
      } else {
        return false;
      }
    }
    return digits;
  }

  // Epoch seconds, or YYYY[-MM[-DD[Thh:mm[:ss[.s]][Z|+hh:mm|-hh:mm]]]] (W3C's ISO 8601 profile).
  static bool IsDate(std::string_view s) {
    auto digits = [&](size_t at, size_t n) {
      if (at + n > s.size()) return false;
      for (size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
      }
      return true;
    };
    if (!s.empty() && digits(0, s.size())) return true;
    if (!digits(0, 4)) return false;
    size_t i = 4;
    for (int part = 0; part < 2 && i < s.size(); ++part) {
      if (s[i] != '-' || !digits(i + 1, 2)) return false;
      i += 3;
    }
    if (i == s.size()) return true;
    if (i != 10 || (s[i] != 'T' && s[i] != 't') || !digits(i + 1, 2) || i + 3 >= s.size() ||
        s[i + 3] != ':' || !digits(i + 4, 2)) {
      return false;
    }
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!digits(i + 1, 2)) return false;
      i += 3;
      if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digits(i, 1)) return false;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      }
    }
    if (i == s.size()) return true;
    if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size();
    return (s[i] == '+' || s[i] == '-') && i + 6 == s.size() && digits(i + 1, 2) &&
           s[i + 3] == ':' && digits(i + 4, 2);
  }

  static bool IsCidr(std::string_view s) {
    std::string address(s.substr(0, s.find('/')));
    unsigned char buf[16];
    int max_bits = 0;
    if (inet_pton(AF_INET, address.c_str(), buf) == 1) {
      max_bits = 32;
    } else if (inet_pton(AF_INET6, address.c_str(), buf) == 1) {
      max_bits = 128;
    } else {
      return false;
    }
    const size_t slash = s.find('/');
    if (slash == std::string_view::npos) return true;
    std::string_view bits = s.substr(slash + 1);
    if (bits.empty() || bits.size() > 3) return false;
    int n = 0;
    for (char c : bits) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + (c - '0');
    }
    return n <= max_bits;
  }

  void CheckConditionKey(const std::string& key, const std::string& lower, const Path& path,
                         const Node& block, size_t k) {
    const size_t colon = lower.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == lower.size()) {
      AddKey("ERROR", "INVALID_CONDITION_KEY_FORMAT", "Invalid condition key format",
             "The condition key format is not valid. Use the format service:keyname.", path, block,
             k);
      return;
    }
    const std::string service = lower.substr(0, colon);
    for (std::string_view tag :
         {"aws:principaltag", "aws:requesttag", "aws:resourcetag", "s3:existingobjecttag",
          "s3:requestobjecttag", "iam:resourcetag"}) {
      if (lower == tag || lower == std::string(tag) + "/") {
        AddKey("ERROR", "MISSING_TAG_KEY_IN_CONDITION", "Missing tag key in condition",
               "The condition key " + key +
                   " must include a tag key to control access based on tags. Use the format " +
                   std::string(key.substr(0, tag.size())) +
                   "/tag-key and specify a key name for tag-key.",
               path, block, k);
        return;
      }
    }
    if (service == "aws") {
      std::vector<std::string_view> global(std::begin(kGlobalKeys), std::end(kGlobalKeys));
      if (!KeyKnown(lower, global)) {
        AddKey("ERROR", "INVALID_GLOBAL_CONDITION_KEY", "Invalid global condition key",
               "The condition key " + key + " does not exist. Use a valid condition key.", path,
               block, k);
      }
      return;
    }
    if (!catalog_.KnowsService(service)) return;
    for (const ServiceKeys& known : KnownServiceKeys()) {
      if (known.service != service) continue;
      if (!KeyKnown(lower, known.keys)) {
        AddKey("ERROR", "INVALID_SERVICE_CONDITION_KEY", "Invalid service condition key",
               "The condition key " + key + " does not exist in the service " + service +
                   ". Use a valid condition key.",
               path, block, k);
      }
      return;
    }
  }

  LintPolicyType type_;
  const ActionCatalog& catalog_;
  std::vector<LintFinding> findings_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// ActionCatalog

ActionCatalog::ActionCatalog() {
  for (std::string_view a : S3ActionNames()) Add("s3:" + std::string(a));
  for (std::string_view a :
       {"s3:ListAllMyBuckets", "iam:PassRole", "sts:TagSession", "sts:SetSourceIdentity",
        "sts:SetContext", "lambda:InvokeFunctionUrl", "logs:Unmask"}) {
    Add(a);
  }
}

void ActionCatalog::Add(std::string_view action) {
  const size_t colon = action.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == action.size()) return;
  auto& names = by_service_[ToLower(action.substr(0, colon))];
  std::string lower = ToLower(action.substr(colon + 1));
  auto it = names.find(lower);
  // A spelling with capitals (the service's own) replaces the table's lower-case one.
  if (it == names.end() || it->second == ToLower(it->second)) names[lower] = std::string(action);
}

bool ActionCatalog::KnowsService(std::string_view prefix) const {
  return by_service_.contains(ToLower(prefix));
}

bool ActionCatalog::Knows(std::string_view action) const {
  const size_t colon = action.find(':');
  if (colon == std::string_view::npos) return false;
  auto it = by_service_.find(ToLower(action.substr(0, colon)));
  return it != by_service_.end() && it->second.contains(ToLower(action.substr(colon + 1)));
}

std::optional<std::string> ActionCatalog::Suggest(std::string_view action) const {
  const size_t colon = action.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto it = by_service_.find(ToLower(action.substr(0, colon)));
  if (it == by_service_.end()) return std::nullopt;
  const std::string name = ToLower(action.substr(colon + 1));
  std::optional<std::string> best;
  size_t best_distance = 4;
  for (const auto& [lower, spelled] : it->second) {
    const size_t d = Distance(name, lower);
    if (d < best_distance) {
      best_distance = d;
      best = spelled;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------

std::vector<LintFinding> LintPolicy(std::string_view document, LintPolicyType type,
                                    const ActionCatalog& catalog) {
  Node root;
  JsonParser parser(document);
  if (!parser.Parse(&root)) {
    const LintPosition at = parser.error();
    LintPosition end = at;
    if (static_cast<size_t>(at.offset) < document.size()) {
      ++end.offset;
      ++end.column;
    }
    return {{"ERROR",
             "JSON_SYNTAX_ERROR",
             "Fix the JSON syntax error at index " + std::to_string(at.offset) + " line " +
                 std::to_string(at.line) + " column " + std::to_string(at.column) + ".",
             LearnMore("ERROR", "Json syntax error"),
             {{{}, at, end}}}};
  }
  return Linter(type, catalog).Run(root);
}

std::optional<std::string> PolicyWarning(std::string_view document, LintPolicyType type,
                                         const ActionCatalog& catalog, std::string_view what) {
  std::string line;
  size_t errors = 0;
  for (const LintFinding& f : LintPolicy(document, type, catalog)) {
    if (f.finding_type != "ERROR") continue;
    if (errors++ == 0) {
      line = std::string(what) + " has a part that never works: " + f.issue_code;
      if (!f.locations.empty()) {
        line += " at line " + std::to_string(f.locations[0].start.line) + " column " +
                std::to_string(f.locations[0].start.column);
      }
      line += ": " + f.details;
    }
  }
  if (errors == 0) return std::nullopt;
  if (errors > 1) line += " (and " + std::to_string(errors - 1) + " more; see ValidatePolicy)";
  return line;
}

std::vector<LintLocation> StatementSpans(std::string_view document) {
  Node root;
  JsonParser parser(document);
  std::vector<LintLocation> out;
  if (!parser.Parse(&root) || !root.is(NType::kObject)) return out;
  const int statement = root.Find("Statement");
  if (statement < 0) return out;
  const Node& st = root.items[statement];
  const LintPathElement value{LintPathElement::Kind::kValue, 0, "Statement"};
  if (st.is(NType::kObject)) {
    out.push_back({{value}, st.start, st.end});
  } else if (st.is(NType::kArray)) {
    for (size_t i = 0; i < st.items.size(); ++i) {
      out.push_back({{value, {LintPathElement::Kind::kIndex, static_cast<int>(i), {}}},
                     st.items[i].start,
                     st.items[i].end});
    }
  }
  return out;
}

}  // namespace evoke::auth
