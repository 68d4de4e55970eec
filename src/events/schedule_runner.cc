#include "events/schedule_runner.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>

#include "base/asio.h"
#include "base/ids.h"
#include "base/log.h"
#include "events/events_input.h"
#include "events/rule_payload.h"
#include "events/schedule_definition.h"
#include "events/schedule_expression.h"
#include "store/schedules.h"

namespace evoke::events {
namespace {

using nlohmann::json;

// The longest sleep: a clock that jumps without a Wake is noticed within this.
constexpr int64_t kMaxSleepMs = 1000;
// A clock that leaps far past a frequent schedule fires at most this many of its missed
// occurrences in one go; the rest are skipped, as firings missed while down are.
constexpr int kMaxCatchUp = 1440;

struct Entry {
  bool is_rule = false;
  std::string rule;   // for rules
  std::string group;  // for schedules
  std::string name;
  std::string version;  // what the next firing was computed from
  std::shared_ptr<const ScheduleExpression> expression;
  std::shared_ptr<const TimeZone> zone;
  int64_t anchor_ms = 0;
  std::optional<int64_t> start_ms;
  std::optional<int64_t> end_ms;
  std::optional<int64_t> next_ms;

  // The first firing strictly after `after_ms` within the start and end dates.
  std::optional<int64_t> NextAfter(int64_t after_ms) const {
    if (start_ms) after_ms = std::max(after_ms, *start_ms - 1);
    auto next = expression->NextFiring(after_ms, anchor_ms, *zone);
    if (next && end_ms && *next > *end_ms) return std::nullopt;
    return next;
  }
};

}  // namespace

struct ScheduleRunner::Impl : std::enable_shared_from_this<ScheduleRunner::Impl> {
  Impl(asio::io_context& io, store::Transactions& txns, store::ScheduleRepository& schedules,
       const Clock& clock, lambda::AsyncQueue& queue, std::string account_id, std::string region)
      : io(io),
        timer(io),
        txns(txns),
        schedules(schedules),
        clock(clock),
        queue(queue),
        account_id(std::move(account_id)),
        region(std::move(region)) {}

  asio::io_context& io;  // run by one thread: the runner's state needs no lock
  asio::steady_timer timer;
  store::Transactions& txns;
  store::ScheduleRepository& schedules;
  const Clock& clock;
  lambda::AsyncQueue& queue;
  std::string account_id;
  std::string region;
  std::atomic<bool> reload_requested{true};
  std::atomic<bool> stopped{false};
  std::atomic<uint64_t> firings{0};
  std::map<std::string, Entry> entries;  // on io only
  MetricSink* metrics = nullptr;         // set before Start

  // AWS/Events (per rule and for the account) or AWS/Scheduler (per group and for the
  // account): one count of `metric`.
  void Count(bool is_rule, const std::string& name, std::string_view metric, double n = 1) {
    if (!metrics) return;
    int64_t now = metrics->NowMs();
    std::string_view ns = is_rule ? "AWS/Events" : "AWS/Scheduler";
    metrics->Record(ns, metric, "Count", {}, n, now);
    metrics->Record(ns, metric, "Count", {{is_rule ? "RuleName" : "ScheduleGroup", name}}, n, now);
  }

  std::string RuleArn(const std::string& rule) const {
    return "arn:aws:events:" + region + ":" + account_id + ":rule/" + rule;
  }
  std::string ScheduleArn(const std::string& group, const std::string& name) const {
    return "arn:aws:scheduler:" + region + ":" + account_id + ":schedule/" + group + "/" + name;
  }

  void Post() {
    asio::post(io, [self = shared_from_this()] { self->Tick(); });
  }

  // Reads the enabled scheduled rules and schedules; an entry whose definition is unchanged
  // keeps its pending firing, a new or changed one counts from now.
  void Reload(int64_t now) {
    std::map<std::string, Entry> loaded;
    auto reader = txns.Read();
    auto rules = schedules.ListEnabledScheduledRules(*reader);
    if (!rules.ok()) {
      LogError("schedules: cannot read rules: " + rules.error().message);
      return;
    }
    for (const auto& r : *rules) {
      auto parsed = ParseRuleSchedule(r.schedule_expression);
      if (!parsed.ok()) continue;
      Entry e;
      e.is_rule = true;
      e.rule = r.name;
      e.version = r.schedule_expression + "\n" + std::to_string(r.anchor_ms);
      e.expression = std::move(*parsed);
      e.zone = UtcZone();
      e.anchor_ms = r.anchor_ms;
      loaded.emplace("r/" + r.name, std::move(e));
    }
    store::ScheduleFilter filter;
    filter.state = "ENABLED";
    for (;;) {
      auto page = schedules.ListSchedules(*reader, filter, 1000);
      if (!page.ok()) {
        LogError("schedules: cannot read schedules: " + page.error().message);
        return;
      }
      for (const auto& s : *page) {
        json stored = json::parse(s.definition_json, nullptr, false);
        auto d = stored.is_discarded() ? Result<ScheduleDefinition>(MakeError("Invalid", ""))
                                       : ParseScheduleDefinition(stored);
        if (!d.ok()) {
          LogWarning("schedules: skipping schedule " + s.group + "/" + s.name + ": " +
                     d.error().message);
          continue;
        }
        Entry e;
        e.group = s.group;
        e.name = s.name;
        e.version = s.definition_json + "\n" + std::to_string(s.modified_ms);
        e.expression = d->parsed;
        e.zone = d->zone;
        e.start_ms = d->start_ms;
        e.end_ms = d->end_ms;
        e.anchor_ms = d->start_ms.value_or(s.created_ms);
        loaded.emplace("s/" + s.group + "/" + s.name, std::move(e));
      }
      if (page->size() < 1000) break;
      filter.after_group = page->back().group;
      filter.after_name = page->back().name;
    }
    for (auto& [key, e] : loaded) {
      auto old = entries.find(key);
      if (old != entries.end() && old->second.version == e.version) {
        e.next_ms = old->second.next_ms;
      } else {
        e.next_ms = e.NextAfter(now);
      }
    }
    entries = std::move(loaded);
  }

  void Tick() {
    if (stopped) return;
    int64_t now = clock.NowMs();
    if (reload_requested.exchange(false)) Reload(now);
    for (auto& [key, e] : entries) {
      int fired = 0;
      while (e.next_ms && *e.next_ms <= now) {
        if (fired == kMaxCatchUp) {
          e.next_ms = e.NextAfter(now);
          break;
        }
        Fire(e, *e.next_ms);
        ++fired;
        e.next_ms = e.NextAfter(*e.next_ms);
      }
    }
    int64_t sleep = kMaxSleepMs;
    for (const auto& [key, e] : entries) {
      if (e.next_ms) sleep = std::min(sleep, std::max<int64_t>(0, *e.next_ms - now));
    }
    timer.expires_after(std::chrono::milliseconds(sleep));
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->Tick();
    });
  }

  // One write job: every event of this firing, or none.
  void Fire(const Entry& e, int64_t scheduled_ms) {
    firings.fetch_add(1);
    std::string what = e.is_rule ? "rule " + e.rule : "schedule " + e.group + "/" + e.name;
    store::WriteJob job;
    if (e.is_rule) {
      job.apply = [self = shared_from_this(), rule = e.rule, scheduled_ms](store::WriteTxn& t) {
        return self->FireRule(t, rule, scheduled_ms);
      };
    } else {
      job.apply = [self = shared_from_this(), group = e.group, name = e.name](store::WriteTxn& t) {
        return self->FireSchedule(t, group, name);
      };
    }
    // EventBridge counts a rule's target invocations and failures; Scheduler its attempts and
    // the invocations it dropped.
    job.done = [self = shared_from_this(), what, is_rule = e.is_rule,
                name = e.is_rule ? e.rule : e.group](Status s) {
      if (s.ok()) return;  // counted as it committed (FireRule, FireSchedule)
      self->Count(is_rule, name, is_rule ? "FailedInvocations" : "InvocationDroppedCount");
      LogError("schedules: firing of " + what + " failed: " + s.error().message);
    };
    txns.Submit(std::move(job));
  }

  // In the firing's transaction: the rule as it is now (it may have changed since the timer
  // was set) and its targets.
  Status FireRule(store::WriteTxn& t, const std::string& name, int64_t scheduled_ms) {
    auto rule = schedules.GetRule(t, name);
    if (!rule.ok()) return std::move(rule).error();
    if (!rule->has_value() || (*rule)->state != "ENABLED" ||
        (*rule)->schedule_expression.empty()) {
      return {};
    }
    auto targets = schedules.ListRuleTargets(t, name);
    if (!targets.ok()) return std::move(targets).error();
    std::string arn = RuleArn(name);
    int invoked = 0;
    for (const auto& target : *targets) {
      json parsed = json::parse(target.target_json, nullptr, false);
      if (!parsed.is_object()) continue;
      auto function = LambdaFunctionName(parsed.value("Arn", ""));
      if (!function) continue;
      std::string event = ScheduledEventJson(NewUuid(), account_id, region, arn, scheduled_ms);
      auto payload = TargetPayload(parsed, event, arn, name);
      if (!payload) {
        LogWarning("schedules: rule " + name + " target " + target.id +
                   ": InputPath selects nothing; not delivered");
        continue;
      }
      lambda::AsyncEvent ev{*function, std::move(*payload), NewUuid(), "events.amazonaws.com",
                            arn,       account_id};
      if (Status s = queue.Enqueue(t, std::move(ev)); !s.ok()) return s;
      ++invoked;
    }
    if (invoked > 0) {
      t.AfterCommit([self = shared_from_this(), name, invoked] {
        self->Count(true, name, "TriggeredRules");
        self->Count(true, name, "Invocations", invoked);
      });
    }
    return {};
  }

  Status FireSchedule(store::WriteTxn& t, const std::string& group, const std::string& name) {
    auto schedule = schedules.GetSchedule(t, group, name);
    if (!schedule.ok()) return std::move(schedule).error();
    if (!schedule->has_value() || (*schedule)->state != "ENABLED") return {};
    json stored = json::parse((*schedule)->definition_json, nullptr, false);
    if (stored.is_discarded()) return {};
    auto d = ParseScheduleDefinition(stored);
    if (!d.ok()) return {};
    // Without an Input, the function receives an empty JSON object.
    // EventBridge Scheduler invokes through the schedule's role.
    auto role = d->target.find("RoleArn");
    lambda::AsyncEvent ev{d->function,
                          d->input.value_or("{}"),
                          NewUuid(),
                          "scheduler.amazonaws.com",
                          ScheduleArn(group, name),
                          account_id,
                          role != d->target.end() && role->is_string() ? role->get<std::string>()
                                                                       : ""};
    if (Status s = queue.Enqueue(t, std::move(ev)); !s.ok()) return s;
    t.AfterCommit([self = shared_from_this(), group] {
      self->Count(false, group, "InvocationAttemptCount");
    });
    if (d->parsed->kind() == ScheduleExpression::Kind::kAt &&
        d->action_after_completion == "DELETE") {
      auto deleted = schedules.DeleteSchedule(t, group, name);
      if (!deleted.ok()) return std::move(deleted).error();
    }
    return {};
  }
};

ScheduleRunner::ScheduleRunner(asio::io_context& io, store::Transactions& txns,
                               store::ScheduleRepository& schedules, const Clock& clock,
                               lambda::AsyncQueue& queue, std::string account_id,
                               std::string region)
    : impl_(std::make_shared<Impl>(io, txns, schedules, clock, queue, std::move(account_id),
                                   std::move(region))) {}

ScheduleRunner::~ScheduleRunner() { Stop(); }

void ScheduleRunner::Start() {
  impl_->reload_requested = true;
  impl_->Post();
}

void ScheduleRunner::Wake() {
  impl_->reload_requested = true;
  impl_->Post();
}

void ScheduleRunner::Stop() {
  if (impl_->stopped.exchange(true)) return;
  asio::post(impl_->io, [impl = impl_] { impl->timer.cancel(); });
}

uint64_t ScheduleRunner::firings() const { return impl_->firings.load(); }

void ScheduleRunner::RecordMetricsInto(MetricSink* metrics) { impl_->metrics = metrics; }

}  // namespace evoke::events
