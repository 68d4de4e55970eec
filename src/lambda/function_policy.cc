// AddPermission, GetPolicy and RemovePermission: a function's resource-based policy, the
// statements that let other principals (s3.amazonaws.com, events.amazonaws.com, an account)
// invoke it. Stored as the JSON document Lambda returns from GetPolicy, changed inside the
// commit (read, modify, write) so concurrent changes cannot lose a statement.
#include <nlohmann/json.hpp>

#include "base/pattern.h"
#include "lambda/actions.h"
#include "lambda/function_json.h"
#include "store/functions.h"

namespace evoke::lambda {
namespace {

using nlohmann::json;

// Lambda's limit on a function's policy document.
constexpr size_t kMaxPolicyBytes = 20'480;

Error NoPolicy() {
  return MakeError("ResourceNotFoundException", "The resource you requested does not exist.");
}

Error Invalid(std::string member, std::string constraint, const std::string& value) {
  return MakeError("ValidationException", "1 validation error detected: Value '" + value +
                                              "' at '" + member +
                                              "' failed to satisfy constraint: " + constraint);
}

// The Principal element of a statement, as Lambda writes it for AddPermission's Principal.
json PrincipalElement(const std::string& principal) {
  static const Pattern kAccount("^[0-9]{12}$");
  if (principal == "*") return "*";
  if (kAccount.FullMatch(principal)) {
    return json{{"AWS", "arn:aws:iam::" + principal + ":root"}};
  }
  if (principal.starts_with("arn:")) return json{{"AWS", principal}};
  return json{{"Service", principal}};
}

Result<json> StatementFrom(const json& body, const std::string& function_arn) {
  static const Pattern kSid("^[a-zA-Z0-9-_.]{1,100}$");
  static const Pattern kAction("^(lambda:[*]|lambda:[a-zA-Z]+|[*])$");
  static const Pattern kPrincipal("^[^\\s]+$");
  auto text = [&](const char* name) -> std::optional<std::string> {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) return std::string("\x01");  // refused below as malformed
    return it->get<std::string>();
  };
  auto sid = text("StatementId");
  auto action = text("Action");
  auto principal = text("Principal");
  if (!sid) return Invalid("statementId", "Member must not be null", "null");
  if (!action) return Invalid("action", "Member must not be null", "null");
  if (!principal) return Invalid("principal", "Member must not be null", "null");
  if (!kSid.FullMatch(*sid)) {
    return Invalid("statementId", "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)", *sid);
  }
  if (!kAction.FullMatch(*action)) {
    return Invalid("action",
                   "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])",
                   *action);
  }
  if (!kPrincipal.FullMatch(*principal)) {
    return Invalid("principal", "Member must satisfy regular expression pattern: [^\\s]+", *principal);
  }
  json statement = {{"Sid", *sid},
                    {"Effect", "Allow"},
                    {"Principal", PrincipalElement(*principal)},
                    {"Action", *action},
                    {"Resource", function_arn}};
  json condition = json::object();
  if (auto account = text("SourceAccount")) {
    condition["StringEquals"]["AWS:SourceAccount"] = *account;
  }
  if (auto org = text("PrincipalOrgID")) condition["StringEquals"]["aws:PrincipalOrgID"] = *org;
  if (auto token = text("EventSourceToken")) {
    condition["StringEquals"]["lambda:EventSourceToken"] = *token;
  }
  if (auto source = text("SourceArn")) condition["ArnLike"]["AWS:SourceArn"] = *source;
  if (auto auth = text("FunctionUrlAuthType")) {
    condition["StringEquals"]["lambda:FunctionUrlAuthType"] = *auth;
  }
  if (!condition.empty()) statement["Condition"] = condition;
  return statement;
}

Result<json> ParsePolicy(const std::string& text) {
  json policy = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (policy.is_discarded() || !policy.is_object() || !policy["Statement"].is_array()) {
    return MakeError("ServiceException", "stored policy is unreadable");
  }
  return policy;
}

// The function's resource-based policy: nullopt when the function does not exist, an empty
// string when it has no policy.
Result<std::optional<std::string>> GetFunctionPolicy(const Context& ctx, store::ReadTxn& t,
                                                     const std::string& name) {
  auto record = ctx.deps.store.functions.GetFunction(t, name);
  if (!record.ok()) return std::move(record).error();
  if (!*record) return std::optional<std::string>();
  return std::optional<std::string>(std::move((*record)->policy));
}

}  // namespace

Task<Status> AddPermission(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  json body = json::parse(ctx.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    co_return MakeError("InvalidRequestContentException",
                        "Could not parse request body into json: the body is not a JSON object");
  }
  std::string arn = FunctionArn(ctx.account, *name);
  auto statement = StatementFrom(body, arn);
  if (!statement.ok()) co_return std::move(statement).error();
  std::string expected_revision;
  if (auto it = body.find("RevisionId"); it != body.end() && it->is_string()) {
    expected_revision = it->get<std::string>();
  }
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto record = ctx.deps.store.functions.GetFunction(t, *name);
    if (!record.ok()) return std::move(record).error();
    if (!*record) return MakeError("ResourceNotFoundException", "Function not found: " + arn);
    if (!expected_revision.empty() && expected_revision != (*record)->revision_id) {
      return MakeError("PreconditionFailedException",
                       "The Revision Id provided does not match the latest Revision Id. Call the "
                       "GetFunction/GetAlias API to retrieve the latest Revision Id");
    }
    const std::string& stored = (*record)->policy;
    json policy = {{"Version", "2012-10-17"}, {"Id", "default"}, {"Statement", json::array()}};
    if (!stored.empty()) {
      auto parsed = ParsePolicy(stored);
      if (!parsed.ok()) return std::move(parsed).error();
      policy = std::move(*parsed);
    }
    for (const json& existing : policy["Statement"]) {
      if (existing.value("Sid", "") == (*statement)["Sid"]) {
        return MakeError("ResourceConflictException",
                         "The statement id (" + (*statement)["Sid"].get<std::string>() +
                             ") provided already exists. Please provide a new statement id, or "
                             "remove the existing statement.");
      }
    }
    policy["Statement"].push_back(*statement);
    std::string text = policy.dump();
    if (text.size() > kMaxPolicyBytes) {
      return MakeError("PolicyLengthExceededException",
                       "The final policy size (" + std::to_string(text.size()) +
                           ") is bigger than the limit (" + std::to_string(kMaxPolicyBytes) + ").");
    }
    return ctx.deps.store.functions.SetFunctionPolicy(t, *name, text);
  });
  if (!s.ok()) co_return s;
  ctx.FunctionSettingsChanged(*name);  // the invoke path checks senders against the policy
  // Built before the co_await: GCC 12 cannot brace-initialize inside one.
  json answer = {{"Statement", statement->dump()}};
  co_return ctx.Reply(201, answer);
}

Task<Status> GetPolicy(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  auto record = ReadFunction(ctx, *name);
  if (!record.ok()) co_return std::move(record).error();
  std::optional<std::string> policy;
  {
    auto reader = ctx.deps.store.txns.Read();
    auto stored = GetFunctionPolicy(ctx, *reader, *name);
    if (!stored.ok()) co_return std::move(stored).error();
    policy = std::move(*stored);
  }
  if (!policy || policy->empty()) co_return NoPolicy();
  json answer = {{"Policy", *policy}, {"RevisionId", record->revision_id}};
  co_return ctx.Reply(200, answer);
}

Task<Status> RemovePermission(Context& ctx) {
  auto name = UnqualifiedFunctionName(ctx);
  if (!name.ok()) co_return std::move(name).error();
  const std::string sid = ctx.path_params.at(1);
  std::string arn = FunctionArn(ctx.account, *name);
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto stored = GetFunctionPolicy(ctx, t, *name);
    if (!stored.ok()) return std::move(stored).error();
    if (!*stored) return MakeError("ResourceNotFoundException", "Function not found: " + arn);
    if ((*stored)->empty()) return NoPolicy();
    auto policy = ParsePolicy(**stored);
    if (!policy.ok()) return std::move(policy).error();
    json& statements = (*policy)["Statement"];
    auto before = statements.size();
    for (auto it = statements.begin(); it != statements.end();) {
      it = it->value("Sid", "") == sid ? statements.erase(it) : std::next(it);
    }
    if (statements.size() == before) {
      return MakeError("ResourceNotFoundException",
                       "Statement " + sid + " is not found in resource policy.");
    }
    return ctx.deps.store.functions.SetFunctionPolicy(t, *name,
                                                      statements.empty() ? "" : policy->dump());
  });
  if (!s.ok()) co_return s;
  ctx.FunctionSettingsChanged(*name);
  http::Response r;
  r.status = 204;
  r.headers.Add("x-amzn-RequestId", ctx.request_id);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::lambda
