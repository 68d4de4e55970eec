#include "lambda/async_settings.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <vector>

#include "lambda/event_invoke_settings.h"

namespace evoke::lambda {
namespace {

using nlohmann::json;

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// IAM's wildcard match: * any run of characters, ? exactly one. Iterative, with one backtrack
// point, so a pattern of many stars stays linear in practice.
bool GlobMatch(std::string_view pattern, std::string_view value, bool ignore_case) {
  auto same = [&](char p, char v) {
    return ignore_case ? std::tolower(static_cast<unsigned char>(p)) ==
                             std::tolower(static_cast<unsigned char>(v))
                       : p == v;
  };
  size_t p = 0, v = 0, star = std::string_view::npos, resume = 0;
  while (v < value.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && same(pattern[p], value[v])))) {
      ++p;
      ++v;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// arn:partition:service:region:account:resource; the resource keeps its colons.
std::vector<std::string_view> ArnComponents(std::string_view arn) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (parts.size() < 5) {
    size_t colon = arn.find(':', pos);
    if (colon == std::string_view::npos) break;
    parts.push_back(arn.substr(pos, colon - pos));
    pos = colon + 1;
  }
  parts.push_back(arn.substr(pos));
  return parts;
}

// ArnLike and ArnEquals alike: each of the six components is matched on its own, with
// wildcards, case-sensitively.
bool ArnMatches(std::string_view pattern, std::string_view arn) {
  auto want = ArnComponents(pattern);
  auto have = ArnComponents(arn);
  if (want.size() != 6 || have.size() != 6) return false;
  for (size_t i = 0; i < 6; ++i) {
    if (!GlobMatch(want[i], have[i], /*ignore_case=*/false)) return false;
  }
  return true;
}

// A policy element that is a string or an array of strings, as a list.
std::vector<std::string> Strings(const json& element) {
  std::vector<std::string> out;
  if (element.is_string()) {
    out.push_back(element.get<std::string>());
  } else if (element.is_array()) {
    for (const json& e : element) {
      if (e.is_string()) out.push_back(e.get<std::string>());
    }
  }
  return out;
}

bool PrincipalMatches(const json& element, std::string_view principal) {
  if (element.is_string()) return element.get<std::string>() == "*";
  if (!element.is_object()) return false;
  for (const auto& [kind, values] : element.items()) {
    for (const std::string& v : Strings(values)) {
      if (v == "*" || v == principal) return true;
      // An account principal: AddPermission writes the account id as its root ARN.
      if (kind == "AWS" && v == "arn:aws:iam::" + std::string(principal) + ":root") return true;
    }
  }
  return false;
}

bool ActionMatches(const json& element) {
  for (const std::string& a : Strings(element)) {
    // Action names are case-insensitive in IAM.
    if (GlobMatch(a, "lambda:InvokeFunction", /*ignore_case=*/true)) return true;
  }
  return false;
}

// Every operator's every key must hold; a key the sender does not supply fails its condition,
// as in IAM (no ...IfExists forms are written by AddPermission).
bool ConditionsHold(const json& condition, std::string_view source_arn,
                    std::string_view source_account) {
  if (condition.is_null()) return true;
  if (!condition.is_object()) return false;
  for (const auto& [op, keys] : condition.items()) {
    if (!keys.is_object()) return false;
    for (const auto& [key, values] : keys.items()) {
      std::string_view have;
      if (EqualsIgnoringCase(key, "aws:SourceArn")) {
        have = source_arn;
      } else if (EqualsIgnoringCase(key, "aws:SourceAccount")) {
        have = source_account;
      } else {
        return false;  // aws:PrincipalOrgID, lambda:EventSourceToken, ...: not known here
      }
      if (have.empty()) return false;
      std::vector<std::string> wanted = Strings(values);
      bool any = false;
      for (const std::string& w : wanted) {
        if (op == "ArnLike" || op == "ArnEquals") {
          any = ArnMatches(w, have);
        } else if (op == "StringEquals") {
          any = w == have;
        } else if (op == "StringLike") {
          any = GlobMatch(w, have, /*ignore_case=*/false);
        } else {
          return false;  // an operator evoke does not evaluate never grants
        }
        if (any) break;
      }
      if (!any) return false;
    }
  }
  return true;
}

}  // namespace

EventInvokeConfig EffectiveEventInvokeConfig(const store::FunctionRecord& function) {
  EventInvokeConfig effective;
  if (function.event_invoke_config.empty()) return effective;
  auto stored = ParseStoredEventInvokeConfig(function.event_invoke_config);
  if (!stored.ok()) return effective;
  if (stored->maximum_retry_attempts) {
    effective.maximum_retry_attempts = *stored->maximum_retry_attempts;
  }
  if (stored->maximum_event_age_s) effective.maximum_event_age_s = *stored->maximum_event_age_s;
  effective.on_success = stored->on_success;
  effective.on_failure = stored->on_failure;
  effective.last_modified_ms = stored->last_modified_ms;
  return effective;
}

bool PolicyAllowsInvoke(std::string_view policy, std::string_view principal,
                        std::string_view source_arn, std::string_view source_account) {
  if (policy.empty()) return false;
  json doc = json::parse(policy, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return false;
  auto it = doc.find("Statement");
  if (it == doc.end()) return false;
  std::vector<json> statements;
  if (it->is_object()) {
    statements.push_back(*it);
  } else if (it->is_array()) {
    statements.assign(it->begin(), it->end());
  }
  bool allowed = false;
  for (const json& s : statements) {
    if (!s.is_object()) continue;
    auto principal_it = s.find("Principal");
    auto action_it = s.find("Action");
    if (principal_it == s.end() || action_it == s.end()) continue;
    if (!PrincipalMatches(*principal_it, principal) || !ActionMatches(*action_it)) continue;
    auto condition_it = s.find("Condition");
    if (condition_it != s.end() && !ConditionsHold(*condition_it, source_arn, source_account)) {
      continue;
    }
    auto effect_it = s.find("Effect");
    std::string effect = effect_it != s.end() && effect_it->is_string() ? effect_it->get<std::string>() : "";
    if (effect == "Deny") return false;  // an explicit deny wins over any allow
    if (effect == "Allow") allowed = true;
  }
  return allowed;
}

}  // namespace evoke::lambda
