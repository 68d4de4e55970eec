// PutTargets, RemoveTargets, ListTargetsByRule: a rule's targets. evoke delivers to Lambda
// functions only; a target naming anything else comes back in FailedEntries.
#include "events/events_actions.h"
#include "events/events_input.h"

namespace evoke::events {
namespace {

using nlohmann::json;

constexpr size_t kMaxTargetsPerRule = 5;  // EventBridge's quota

std::string Path(size_t index, const char* member) {
  return "targets." + std::to_string(index + 1) + ".member." + member;
}

Status CheckTargetId(const std::string& id, const std::string& path) {
  if (Status s = CheckLength(id, path, 1, 64); !s.ok()) return s;
  return CheckChars(id, path, ".-_", "[\\.\\-_A-Za-z0-9]+");
}

// The model's constraints on one target (whole-request errors, as the service validates its
// input before it looks at the entries).
Status CheckTarget(const json& target, size_t i, std::string& id) {
  if (!target.is_object()) {
    return MakeError("SerializationException", "Unexpected value type for member 'Targets'");
  }
  auto id_member = OptionalString(target, "Id");
  if (!id_member.ok()) return std::move(id_member).error();
  if (!id_member->has_value()) return NullError(Path(i, "id"));
  id = **id_member;
  if (Status s = CheckTargetId(id, Path(i, "id")); !s.ok()) return s;
  auto arn = OptionalString(target, "Arn");
  if (!arn.ok()) return std::move(arn).error();
  if (!arn->has_value()) return NullError(Path(i, "arn"));
  if (Status s = CheckLength(**arn, Path(i, "arn"), 1, 1600); !s.ok()) return s;
  auto role = OptionalString(target, "RoleArn");
  if (!role.ok()) return std::move(role).error();
  if (role->has_value()) {
    if (Status s = CheckLength(**role, Path(i, "roleArn"), 1, 1600); !s.ok()) return s;
  }
  auto input = OptionalString(target, "Input");
  if (!input.ok()) return std::move(input).error();
  if (input->has_value()) {
    if (Status s = CheckLength(**input, Path(i, "input"), 0, 8192); !s.ok()) return s;
  }
  auto input_path = OptionalString(target, "InputPath");
  if (!input_path.ok()) return std::move(input_path).error();
  if (input_path->has_value()) {
    if (Status s = CheckLength(**input_path, Path(i, "inputPath"), 0, 256); !s.ok()) return s;
  }
  auto transformer = OptionalObject(target, "InputTransformer");
  if (!transformer.ok()) return std::move(transformer).error();
  if (transformer->has_value()) {
    auto tmpl = OptionalString(**transformer, "InputTemplate");
    if (!tmpl.ok()) return std::move(tmpl).error();
    if (!tmpl->has_value()) return NullError(Path(i, "inputTransformer.inputTemplate"));
    if (Status s = CheckLength(**tmpl, Path(i, "inputTransformer.inputTemplate"), 1, 8192);
        !s.ok()) {
      return s;
    }
    auto paths = OptionalObject(**transformer, "InputPathsMap");
    if (!paths.ok()) return std::move(paths).error();
    if (paths->has_value()) {
      for (const auto& [key, value] : (*paths)->items()) {
        if (!value.is_string()) {
          return MakeError("SerializationException",
                           "Unexpected value type for member 'InputPathsMap'");
        }
      }
    }
  }
  auto retry = OptionalObject(target, "RetryPolicy");
  if (!retry.ok()) return std::move(retry).error();
  if (retry->has_value()) {
    auto attempts = OptionalInt(**retry, "MaximumRetryAttempts");
    if (!attempts.ok()) return std::move(attempts).error();
    if (attempts->has_value()) {
      Status s = CheckRange(**attempts, Path(i, "retryPolicy.maximumRetryAttempts"), 0, 185);
      if (!s.ok()) return s;
    }
    auto age = OptionalInt(**retry, "MaximumEventAgeInSeconds");
    if (!age.ok()) return std::move(age).error();
    if (age->has_value()) {
      Status s = CheckRange(**age, Path(i, "retryPolicy.maximumEventAgeInSeconds"), 60, 86400);
      if (!s.ok()) return s;
    }
  }
  auto dlq = OptionalObject(target, "DeadLetterConfig");
  if (!dlq.ok()) return std::move(dlq).error();
  if (dlq->has_value()) {
    auto dlq_arn = OptionalString(**dlq, "Arn");
    if (!dlq_arn.ok()) return std::move(dlq_arn).error();
  }

  // Beyond the model: how the target's input is given.
  int inputs = (input->has_value() ? 1 : 0) + (input_path->has_value() ? 1 : 0) +
               (transformer->has_value() ? 1 : 0);
  if (inputs > 1) {
    return MakeError("ValidationException",
                     "Only one of Input, InputPath, or InputTransformer can be provided for "
                     "target " + id + ".");
  }
  if (input->has_value() && json::parse(**input, nullptr, false).is_discarded()) {
    return MakeError("ValidationException",
                     "Input for target " + id + " is not a valid JSON text.");
  }
  if (input_path->has_value() && !(**input_path).starts_with("$")) {
    return MakeError("ValidationException", "Parameter InputPath is not valid for target " + id +
                                                ". Reason: it must be a JSONPath starting with $.");
  }
  return {};
}

Result<std::vector<std::string>> RequiredIds(const json& in) {
  auto it = in.find("Ids");
  if (it == in.end() || it->is_null()) return NullError("ids");
  if (!it->is_array()) {
    return MakeError("SerializationException", "Unexpected value type for member 'Ids'");
  }
  if (it->empty()) {
    return ConstraintError("[]", "ids", "have length greater than or equal to 1");
  }
  if (it->size() > 100) return ConstraintError("[...]", "ids", "have length less than or equal to 100");
  std::vector<std::string> ids;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& id = (*it)[i];
    if (!id.is_string()) {
      return MakeError("SerializationException", "Unexpected value type for member 'Ids'");
    }
    std::string path = "ids." + std::to_string(i + 1) + ".member";
    if (Status s = CheckTargetId(id.get<std::string>(), path); !s.ok()) {
      return std::move(s).error();
    }
    ids.push_back(id.get<std::string>());
  }
  return ids;
}

}  // namespace

Task<Result<json>> PutTargets(EventsContext& ctx) {
  auto rule = RequiredRuleName(ctx.input, "Rule", "rule", ctx.options);
  if (!rule.ok()) co_return std::move(rule).error();
  auto it = ctx.input.find("Targets");
  if (it == ctx.input.end() || it->is_null()) co_return NullError("targets");
  if (!it->is_array()) {
    co_return MakeError("SerializationException", "Unexpected value type for member 'Targets'");
  }
  if (it->empty()) {
    co_return ConstraintError("[]", "targets", "have length greater than or equal to 1");
  }
  if (it->size() > 100) {
    co_return ConstraintError("[...]", "targets", "have length less than or equal to 100");
  }
  std::vector<store::RuleTargetRecord> accepted;
  json failed = json::array();
  for (size_t i = 0; i < it->size(); ++i) {
    const json& target = (*it)[i];
    std::string id;
    if (Status s = CheckTarget(target, i, id); !s.ok()) co_return std::move(s).error();
    std::string arn = target["Arn"].get<std::string>();
    if (!LambdaFunctionName(arn)) {
      failed.push_back({{"TargetId", id},
                        {"ErrorCode", "ValidationException"},
                        {"ErrorMessage", "Parameter " + arn +
                                             " is not valid. Reason: evoke delivers events only "
                                             "to Lambda functions (arn:aws:lambda:...:function:"
                                             "NAME)."}});
      continue;
    }
    accepted.push_back({*rule, id, target.dump()});
  }
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    auto found = FindRule(ctx, t, *rule);
    if (!found.ok()) return std::move(found).error();
    for (const auto& target : accepted) {
      if (Status put = ctx.deps.schedules.PutRuleTarget(t, target); !put.ok()) return put;
    }
    auto count = ctx.deps.schedules.CountRuleTargets(t, *rule);
    if (!count.ok()) return std::move(count).error();
    if (*count > kMaxTargetsPerRule) {
      return MakeError("LimitExceededException",
                       "The requested resource exceeds the maximum number allowed.");
    }
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json{{"FailedEntryCount", failed.size()}, {"FailedEntries", failed}};
}

Task<Result<json>> RemoveTargets(EventsContext& ctx) {
  auto rule = RequiredRuleName(ctx.input, "Rule", "rule", ctx.options);
  if (!rule.ok()) co_return std::move(rule).error();
  auto ids = RequiredIds(ctx.input);
  if (!ids.ok()) co_return std::move(ids).error();
  auto force = OptionalBool(ctx.input, "Force");
  if (!force.ok()) co_return std::move(force).error();
  json failed = json::array();
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    failed = json::array();
    auto found = FindRule(ctx, t, *rule);
    if (!found.ok()) return std::move(found).error();
    for (const std::string& id : *ids) {
      auto deleted = ctx.deps.schedules.DeleteRuleTarget(t, *rule, id);
      if (!deleted.ok()) return std::move(deleted).error();
      if (!*deleted) {
        failed.push_back({{"TargetId", id},
                          {"ErrorCode", "ResourceNotFoundException"},
                          {"ErrorMessage", "Rule '" + *rule +
                                               "' does not have a target with the Id '" + id +
                                               "'."}});
      }
    }
    return {};
  });
  if (!s.ok()) co_return std::move(s).error();
  co_return json{{"FailedEntryCount", failed.size()}, {"FailedEntries", failed}};
}

Task<Result<json>> ListTargetsByRule(EventsContext& ctx) {
  auto rule = RequiredRuleName(ctx.input, "Rule", "rule", ctx.options);
  if (!rule.ok()) co_return std::move(rule).error();
  auto limit = OptionalInt(ctx.input, "Limit");
  if (!limit.ok()) co_return std::move(limit).error();
  if (limit->has_value()) {
    if (Status s = CheckRange(**limit, "limit", 1, 100); !s.ok()) co_return std::move(s).error();
  }
  size_t page = limit->has_value() ? static_cast<size_t>(**limit) : 100;
  auto token = OptionalString(ctx.input, "NextToken");
  if (!token.ok()) co_return std::move(token).error();
  std::string after;
  if (token->has_value()) {
    auto decoded = DecodeNextToken(**token);
    if (!decoded) co_return MakeError("ValidationException", "The NextToken provided is invalid.");
    after = std::move(*decoded);
  }
  auto reader = ctx.deps.txns.Read();
  auto found = FindRule(ctx, *reader, *rule);
  if (!found.ok()) co_return std::move(found).error();
  auto targets = ctx.deps.schedules.ListRuleTargets(*reader, *rule);
  if (!targets.ok()) co_return std::move(targets).error();
  json out = {{"Targets", json::array()}};
  size_t listed = 0;
  std::string last;
  bool more = false;
  for (const auto& target : *targets) {
    if (!after.empty() && target.id <= after) continue;
    if (listed == page) {
      more = true;
      break;
    }
    out["Targets"].push_back(json::parse(target.target_json));
    last = target.id;
    ++listed;
  }
  if (more) out["NextToken"] = EncodeNextToken(last);
  co_return out;
}

}  // namespace evoke::events
