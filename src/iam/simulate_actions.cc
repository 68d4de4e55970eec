// IAM's policy simulator: SimulatePrincipalPolicy (a user's, group's or role's policies) and
// SimulateCustomPolicy (policies given in the request), decided by the authorizer's evaluator
// (auth::Decide) for each action and resource, with the statements that decided
// (auth::MatchingStatements, positioned by auth::StatementSpans) and the condition keys the
// request did not supply (auth::ConditionKeysRead). docs/identity.md, "The policy simulator".
#include <charconv>

#include "api/query_codec.h"
#include "http/message.h"
#include "iam/iam_actions.h"
#include "iam/policy_authorizer.h"

namespace evoke::iam {
namespace {

using nlohmann::json;

// One policy of a simulation and where it comes from (MatchedStatements' SourcePolicyId and
// SourcePolicyType).
struct Source {
  std::string id;
  std::string type;  // user | group | role | aws-managed | user-managed | resource | none
  auth::Policy policy;
  std::vector<auth::LintLocation> spans;  // each statement's place in the document
};

Error InvalidInput(std::string message) { return MakeError("InvalidInput", std::move(message)); }

Error NotNullList(std::string_view camel) {
  return MakeError("ValidationError", "1 validation error detected: Value null at '" +
                                          std::string(camel) +
                                          "' failed to satisfy constraint: Member must not be "
                                          "null");
}

// A list member of strings (botocore's `Name.member.N`); `camel` names it in messages.
Result<std::vector<std::string>> StringList(const json& in, std::string_view member,
                                            std::string_view camel) {
  auto it = in.find(member);
  std::vector<std::string> out;
  if (it == in.end() || (it->is_string() && it->get_ref<const std::string&>().empty())) {
    return out;
  }
  if (!it->is_array()) {
    return MakeError("ValidationError", "1 validation error detected: Value at '" +
                                            std::string(camel) +
                                            "' failed to satisfy constraint: Member must be a "
                                            "list");
  }
  for (const json& v : *it) {
    if (!v.is_string()) {
      return MakeError("ValidationError", "1 validation error detected: Value at '" +
                                              std::string(camel) +
                                              "' failed to satisfy constraint: Member must be a "
                                              "list of strings");
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

// A document of the request: 1-131072 characters (ValidationError, as IAM's model), a valid
// policy of `kind` (MalformedPolicyDocument with IAM's message).
Result<Source> Given(std::string id, std::string type, const std::string& document,
                     std::string_view camel, auth::PolicyKind kind) {
  if (document.empty() || document.size() > auth::kMaxPolicyChars) {
    return ValidationFailure(document.substr(0, 64), camel,
                             "Member must have length less than or equal to 131072");
  }
  auto policy = auth::ParsePolicy(document, kind);
  if (!policy.ok()) return std::move(policy).error();
  return Source{std::move(id), std::move(type), std::move(*policy), auth::StatementSpans(document)};
}

// A stored document (checked when it was written): PolicyEvaluation when it no longer parses.
Status AddStored(std::string id, std::string type, const std::string& document,
                 auth::PolicyKind kind, std::vector<Source>& out) {
  auto policy = auth::ParsePolicy(document, kind);
  if (!policy.ok()) {
    return MakeError("PolicyEvaluation",
                     "The policy " + id + " cannot be evaluated: " + policy.error().message);
  }
  out.push_back(
      {std::move(id), std::move(type), std::move(*policy), auth::StatementSpans(document)});
  return {};
}

template <typename T>
Status AddEntity(const Directory& dir, store::ReadTxn& t, const T& entity, std::string type,
                 std::vector<Source>& out) {
  for (const auto& [name, document] : entity.inline_policies) {
    if (Status s = AddStored(name, type, document, auth::PolicyKind::kIdentity, out); !s.ok()) {
      return s;
    }
  }
  for (const std::string& arn : entity.attached) {
    auto policy = dir.FindPolicy(t, arn);
    if (!policy.ok()) return std::move(policy).error();
    if (!policy->has_value()) continue;
    const PolicyVersion* version = (*policy)->DefaultVersion();
    if (!version) continue;
    if (Status s =
            AddStored((*policy)->name, (*policy)->aws_managed ? "aws-managed" : "user-managed",
                      version->document, auth::PolicyKind::kManaged, out);
        !s.ok()) {
      return s;
    }
  }
  return {};
}

// ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType}.
Result<auth::ConditionKeys> ContextEntries(const json& in) {
  auth::ConditionKeys keys;
  auto it = in.find("ContextEntries");
  if (it == in.end() || (it->is_string() && it->get_ref<const std::string&>().empty())) {
    return keys;
  }
  if (!it->is_array()) return InvalidInput("ContextEntries must be a list of context entries.");
  static constexpr std::string_view kTypes[] = {"string",  "stringList",  "numeric", "numericList",
                                                "boolean", "booleanList", "ip",      "ipList",
                                                "binary",  "binaryList",  "date",    "dateList"};
  for (const json& entry : *it) {
    if (!entry.is_object()) return InvalidInput("A context entry must be a structure.");
    auto name = OptionalString(entry, "ContextKeyName");
    if (!name || name->size() < 5 || name->size() > 256) {
      return InvalidInput("Context entry key name " + name.value_or("(none)") +
                          " is not valid: it must have 5 to 256 characters.");
    }
    auto type = OptionalString(entry, "ContextKeyType");
    if (!type || std::find(std::begin(kTypes), std::end(kTypes), *type) == std::end(kTypes)) {
      return InvalidInput("Context entry " + *name +
                          " has an invalid ContextKeyType: " + type.value_or("(none)") + ".");
    }
    auto values = StringList(entry, "ContextKeyValues", "contextKeyValues");
    if (!values.ok()) return std::move(values).error();
    const bool list = type->ends_with("List");
    if (!list && values->size() > 1) {
      return InvalidInput("Context entry " + *name + " of type " + *type +
                          " can have only one value.");
    }
    const std::string base = list ? type->substr(0, type->size() - 4) : *type;
    for (const std::string& v : *values) {
      bool ok = true;
      if (base == "numeric") {
        double d = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
        ok = ec == std::errc() && end == v.data() + v.size();
      } else if (base == "boolean") {
        ok = v == "true" || v == "false";
      }
      if (!ok) {
        return InvalidInput("The value " + v + " of context entry " + *name + " is not of type " +
                            *type + ".");
      }
      keys.emplace_back(*name, v);
    }
  }
  return keys;
}

// "arn:...:...:...:...:..." or "*"; ARNs as the evaluator compares them.
bool ResourceArnOk(std::string_view r) {
  if (r == "*") return true;
  if (!r.starts_with("arn:")) return false;
  size_t colons = 0;
  for (char c : r) colons += c == ':';
  return colons >= 5;
}

std::string_view DecisionName(const auth::Decision& d) {
  if (d.allowed) return "allowed";
  return d.reason.starts_with("with an explicit deny") ? "explicitDeny" : "implicitDeny";
}

json PositionJson(const auth::LintPosition& p) {
  return {{"Line", p.line}, {"Column", p.column + 1}};
}

struct Simulation {
  std::vector<Source> identity;
  std::optional<Source> resource;
  std::optional<Source> boundary;
  auth::PrincipalInfo who;
  auth::ConditionKeys keys;
};

// One action on one resource: the members of an EvaluationResult (or, `for_resource`, of a
// ResourceSpecificResult).
json Evaluate(const Simulation& sim, std::string_view action, std::string_view resource,
              bool for_resource) {
  std::vector<const auth::Policy*> identity;
  for (const Source& s : sim.identity) identity.push_back(&s.policy);
  const auth::Policy* resource_policy = sim.resource ? &sim.resource->policy : nullptr;
  const auth::Policy* boundary = sim.boundary ? &sim.boundary->policy : nullptr;
  const auth::RequestContext request{action, resource, sim.who, sim.keys};
  const auth::Decision decision = auth::Decide(identity, resource_policy, {}, boundary, request);
  const std::string_view name = DecisionName(decision);

  std::vector<const Source*> all;
  for (const Source& s : sim.identity) all.push_back(&s);
  if (sim.resource) all.push_back(&*sim.resource);
  if (sim.boundary) all.push_back(&*sim.boundary);

  json matched = json::array();
  if (name != "implicitDeny") {
    const bool want_deny = name == "explicitDeny";
    for (const Source* s : all) {
      for (const auth::StatementMatch& m : auth::MatchingStatements(s->policy, request)) {
        if (m.deny != want_deny || m.index >= s->spans.size()) continue;
        matched.push_back({{"SourcePolicyId", s->id},
                           {"SourcePolicyType", s->type},
                           {"StartPosition", PositionJson(s->spans[m.index].start)},
                           {"EndPosition", PositionJson(s->spans[m.index].end)}});
      }
    }
  }
  json missing = json::array();
  for (const Source* s : all) {
    for (const std::string& key : auth::ConditionKeysRead(s->policy, request)) {
      const bool supplied = std::any_of(sim.keys.begin(), sim.keys.end(), [&](const auto& k) {
        return http::EqualsIgnoreCase(k.first, key);
      });
      const bool listed = std::any_of(missing.begin(), missing.end(), [&](const json& m) {
        return http::EqualsIgnoreCase(m.get_ref<const std::string&>(), key);
      });
      if (!supplied && !listed) missing.push_back(key);
    }
  }

  json out = {{"EvalResourceName", std::string(resource)},
              {for_resource ? "EvalResourceDecision" : "EvalDecision", std::string(name)},
              {"MatchedStatements", std::move(matched)},
              {"MissingContextValues", std::move(missing)}};
  if (!for_resource) out["EvalActionName"] = std::string(action);
  if (sim.boundary) {
    const bool allows = auth::Evaluate(*boundary, request) == auth::Effect::kAllow;
    out["PermissionsBoundaryDecisionDetail"] = {{"AllowedByPermissionsBoundary", allows}};
  }
  if (resource_policy) {
    // How each side decided on its own (EvalDecisionDetails).
    const auth::Decision alone = auth::Decide(identity, nullptr, {}, boundary, request);
    const auth::Effect from_resource = auth::Evaluate(*resource_policy, request);
    const char* resource_side = from_resource == auth::Effect::kDeny    ? "explicitDeny"
                                : from_resource == auth::Effect::kAllow ? "allowed"
                                                                        : "implicitDeny";
    nlohmann::ordered_json details = {{"IAM Policy", std::string(DecisionName(alone))},
                                      {"Resource Policy", resource_side}};
    out["EvalDecisionDetails"] = api::QueryMap(std::move(details));
  }
  return out;
}

// The members both operations share, and the results page.
Result<json> Simulate(IamContext& ctx, Simulation& sim) {
  const json& in = ctx.input;
  if (!in.contains("ActionNames")) return NotNullList("actionNames");
  auto actions = StringList(in, "ActionNames", "actionNames");
  if (!actions.ok()) return std::move(actions).error();
  if (actions->empty()) return NotNullList("actionNames");
  for (const std::string& a : *actions) {
    if (a.size() < 3 || a.size() > 128) {
      return ValidationFailure(a.substr(0, 64), "actionNames",
                               "Member must have length between 3 and 128");
    }
    if (a.find(':') == std::string::npos) {
      return InvalidInput("Action " + a + " is not valid: it must be service:action.");
    }
  }
  auto resources = StringList(in, "ResourceArns", "resourceArns");
  if (!resources.ok()) return std::move(resources).error();
  const bool named_resources = !resources->empty();
  if (!named_resources) resources->push_back("*");
  for (const std::string& r : *resources) {
    if (!ResourceArnOk(r)) {
      return InvalidInput("ResourceNames are not in a valid ARN format: " + r + ".");
    }
  }
  auto keys = ContextEntries(in);
  if (!keys.ok()) return std::move(keys).error();
  sim.keys = std::move(*keys);

  auto boundaries =
      StringList(in, "PermissionsBoundaryPolicyInputList", "permissionsBoundaryPolicyInputList");
  if (!boundaries.ok()) return std::move(boundaries).error();
  if (boundaries->size() > 1) {
    return InvalidInput("evoke simulates one permissions boundary policy at most.");
  }
  if (!boundaries->empty()) {
    auto b = Given("PermissionsBoundaryPolicyInputList.1", "none", (*boundaries)[0],
                   "permissionsBoundaryPolicyInputList", auth::PolicyKind::kManaged);
    if (!b.ok()) return std::move(b).error();
    sim.boundary = std::move(*b);
  }
  if (auto doc = OptionalString(in, "ResourcePolicy")) {
    auto r =
        Given("ResourcePolicy", "resource", *doc, "resourcePolicy", auth::PolicyKind::kResource);
    if (!r.ok()) return std::move(r).error();
    sim.resource = std::move(*r);
  }
  if (auto caller = OptionalString(in, "CallerArn")) {
    auto parts = ParseIamArn(*caller, "user");
    if (!parts) {
      return InvalidInput("CallerArn " + *caller +
                          " is not valid: it must be the ARN of an IAM user.");
    }
    sim.who = {auth::PrincipalInfo::Kind::kUser, *caller, parts->account, "", ""};
  } else if (sim.resource && sim.who.kind != auth::PrincipalInfo::Kind::kUser) {
    return InvalidInput(
        "CallerArn is required when a ResourcePolicy is given and the simulated "
        "principal is not an IAM user.");
  }
  // The caller's own keys, unless the request supplies them.
  auto supply = [&](std::string_view name, std::string value) {
    const bool given = std::any_of(sim.keys.begin(), sim.keys.end(), [&](const auto& k) {
      return http::EqualsIgnoreCase(k.first, name);
    });
    if (!given) sim.keys.emplace_back(std::string(name), std::move(value));
  };
  if (auto user = ParseIamArn(sim.who.arn, "user");
      user && sim.who.kind == auth::PrincipalInfo::Kind::kUser) {
    supply("aws:username", user->name);
    supply("aws:PrincipalArn", sim.who.arn);
    supply("aws:PrincipalAccount", sim.who.account_id);
  }

  auto page = PageMembers(in);
  if (!page.ok()) return std::move(page).error();
  const size_t total = actions->size() * resources->size();
  size_t start = 0;
  if (!page->marker.empty()) {
    auto [end, ec] =
        std::from_chars(page->marker.data(), page->marker.data() + page->marker.size(), start);
    if (ec != std::errc() || end != page->marker.data() + page->marker.size() || start >= total) {
      return InvalidInput("Invalid Marker.");
    }
  }
  json results = json::array();
  size_t i = start;
  for (; i < total && results.size() < page->max_items; ++i) {
    const std::string& action = (*actions)[i / resources->size()];
    const std::string& resource = (*resources)[i % resources->size()];
    json result = Evaluate(sim, action, resource, false);
    if (named_resources) {
      json specific = Evaluate(sim, action, resource, true);
      specific.erase("PermissionsBoundaryDecisionDetail");
      result["ResourceSpecificResults"] = json::array({std::move(specific)});
    }
    results.push_back(std::move(result));
  }
  json out = {{"EvaluationResults", std::move(results)}, {"IsTruncated", i < total}};
  if (i < total) out["Marker"] = std::to_string(i);
  return out;
}

}  // namespace

Task<Result<json>> SimulatePrincipalPolicy(IamContext& ctx) {
  auto arn = RequiredString(ctx.input, "PolicySourceArn");
  if (!arn.ok()) co_return std::move(arn).error();
  if (arn->size() < 20 || arn->size() > 2048) {
    co_return ValidationFailure(arn->substr(0, 64), "policySourceArn",
                                "Member must have length between 20 and 2048");
  }
  Simulation sim;
  sim.who = {auth::PrincipalInfo::Kind::kAnonymous, "", ctx.account(), "", ""};
  {
    auto t = ctx.dir.txns().Read();
    Status loaded;
    if (auto user = ParseIamArn(*arn, "user"); user && user->account == ctx.account()) {
      auto u = ctx.dir.GetUser(*t, user->name);
      if (!u.ok()) co_return std::move(u).error();
      sim.who = {auth::PrincipalInfo::Kind::kUser, UserArn(ctx.account(), *u), ctx.account(), "",
                 ""};
      loaded = AddEntity(ctx.dir, *t, *u, "user", sim.identity);
      for (const std::string& group_name : u->groups) {
        if (!loaded.ok()) break;
        auto g = ctx.dir.FindGroup(*t, group_name);
        if (!g.ok()) co_return std::move(g).error();
        if (g->has_value()) loaded = AddEntity(ctx.dir, *t, **g, "group", sim.identity);
      }
    } else if (auto group = ParseIamArn(*arn, "group"); group && group->account == ctx.account()) {
      auto g = ctx.dir.GetGroup(*t, group->name);
      if (!g.ok()) co_return std::move(g).error();
      loaded = AddEntity(ctx.dir, *t, *g, "group", sim.identity);
    } else if (auto role = ParseIamArn(*arn, "role"); role && role->account == ctx.account()) {
      auto r = ctx.dir.GetRole(*t, role->name);
      if (!r.ok()) co_return std::move(r).error();
      const std::string role_arn = RoleArn(ctx.account(), *r);
      sim.who = {auth::PrincipalInfo::Kind::kAssumedRole, role_arn, ctx.account(), role_arn, ""};
      loaded = AddEntity(ctx.dir, *t, *r, "role", sim.identity);
    } else if (user || group || role) {
      co_return MakeError("NoSuchEntity",
                          "PolicySourceArn " + *arn + " names an entity of another account.");
    } else {
      co_return InvalidInput("Invalid Entity Arn: " + *arn);
    }
    if (!loaded.ok()) co_return std::move(loaded).error();
  }
  auto extra = StringList(ctx.input, "PolicyInputList", "policyInputList");
  if (!extra.ok()) co_return std::move(extra).error();
  for (size_t i = 0; i < extra->size(); ++i) {
    auto s = Given("PolicyInputList." + std::to_string(i + 1), "none", (*extra)[i],
                   "policyInputList", auth::PolicyKind::kIdentity);
    if (!s.ok()) co_return std::move(s).error();
    sim.identity.push_back(std::move(*s));
  }
  co_return Simulate(ctx, sim);
}

Task<Result<json>> SimulateCustomPolicy(IamContext& ctx) {
  if (!ctx.input.contains("PolicyInputList")) co_return NotNullList("policyInputList");
  auto given = StringList(ctx.input, "PolicyInputList", "policyInputList");
  if (!given.ok()) co_return std::move(given).error();
  if (given->empty()) co_return NotNullList("policyInputList");
  Simulation sim;
  sim.who = {auth::PrincipalInfo::Kind::kAnonymous, "", ctx.account(), "", ""};
  for (size_t i = 0; i < given->size(); ++i) {
    auto s = Given("PolicyInputList." + std::to_string(i + 1), "none", (*given)[i],
                   "policyInputList", auth::PolicyKind::kIdentity);
    if (!s.ok()) co_return std::move(s).error();
    sim.identity.push_back(std::move(*s));
  }
  co_return Simulate(ctx, sim);
}

}  // namespace evoke::iam
