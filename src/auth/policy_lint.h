// Policy lint: the checks of IAM Access Analyzer's ValidatePolicy that evoke makes (IAM User
// Guide, "Access Analyzer policy check reference"), with their issue codes and messages, and two
// of evoke's own (docs/identity.md, "Checking policies"). Used by the access-analyzer service,
// by IAM's warning on stored policies and, through PolicyWarning, by S3's. Pure.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace evoke::auth {

// The actions of the services evoke knows ("s3", "lambda", "iam", ...), from the operations
// their tables declare and S3's action table. Built once at start-up, read-only afterwards;
// safe to read from any thread then.
class ActionCatalog {
 public:
  // Every action of S3's action table (S3ResourceTypeOf), s3:ListAllMyBuckets, and the
  // permissions that are no operation of their own (iam:PassRole, sts:TagSession, ...).
  ActionCatalog();
  // "lambda:InvokeFunction": its service becomes known. Case is kept for suggestions.
  void Add(std::string_view action);
  bool KnowsService(std::string_view prefix) const;  // case-insensitive
  bool Knows(std::string_view action) const;         // an exact name, case-insensitive
  // The known action closest to `action` of its service (at most 3 edits away), if any.
  std::optional<std::string> Suggest(std::string_view action) const;

 private:
  std::map<std::string, std::map<std::string, std::string>> by_service_;  // lower -> as added
};

// ValidatePolicy's policyType.
enum class LintPolicyType { kIdentity, kResource, kServiceControl, kResourceControl };

// A place in the document: line from 1, column and offset (in bytes) from 0.
struct LintPosition {
  int line = 1;
  int column = 0;
  int offset = 0;
};

// One step of a Location's path: {"index": n}, {"key": k} (the member name itself) or
// {"value": k} (the member's value).
struct LintPathElement {
  enum class Kind { kIndex, kKey, kValue } kind;
  int index = 0;
  std::string name;
};

struct LintLocation {
  std::vector<LintPathElement> path;
  LintPosition start;  // the element's first byte
  LintPosition end;    // just after its last byte
};

struct LintFinding {
  std::string finding_type;  // "ERROR" | "SECURITY_WARNING" | "SUGGESTION" | "WARNING"
  std::string issue_code;    // "INVALID_ACTION"
  std::string details;       // findingDetails, as AWS words it
  std::string learn_more;    // learnMoreLink
  std::vector<LintLocation> locations;
};

// The findings of a document, in document order (a JSON syntax error is the only finding when
// there is one). Never throws; documents of any size and nesting are handled (nesting beyond 64
// levels is a syntax error).
std::vector<LintFinding> LintPolicy(std::string_view document, LintPolicyType type,
                                    const ActionCatalog& catalog);

// For a policy being stored (IAM's Put*Policy, CreatePolicy, CreatePolicyVersion, Attach*Policy,
// CreateRole, UpdateAssumeRolePolicy; S3's PutBucketPolicy): one line naming its ERROR findings
// (a statement that can never match is one), for the server log; nullopt when it has none.
// `what` names the policy in the line ("user alice's policy p").
std::optional<std::string> PolicyWarning(std::string_view document, LintPolicyType type,
                                         const ActionCatalog& catalog, std::string_view what);

// The span of each statement of a document, in document order (one for a Statement written as
// an object); empty when the document is not JSON or has no Statement. For IAM's policy
// simulator's MatchedStatements.
std::vector<LintLocation> StatementSpans(std::string_view document);

}  // namespace evoke::auth
