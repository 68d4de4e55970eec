#include "exec/pool.h"

#include <algorithm>

namespace evoke::exec {

Pool::Pool(std::vector<asio::io_context*> contexts, std::chrono::seconds idle_limit)
    : contexts_(std::move(contexts)), idle_limit_(idle_limit) {}

Pool::~Pool() { StopAll(); }

std::shared_ptr<Sandbox> Pool::TakeIdle(const std::string& function, const std::string& revision,
                                        const asio::execution_context* near) {
  std::vector<std::shared_ptr<Sandbox>> stale;
  std::shared_ptr<Sandbox> found;
  {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(function);
    if (it == idle_.end()) return nullptr;
    auto& list = it->second;
    for (auto e = list.begin(); e != list.end();) {
      if (!e->sandbox->usable() || e->sandbox->config().revision_id != revision ||
          std::chrono::steady_clock::now() >= e->sandbox->config().retire_at) {
        stale.push_back(std::move(e->sandbox));
        e = list.erase(e);
      } else {
        ++e;
      }
    }
    // Most recently used first (it is the warmest), preferring the caller's thread.
    auto pick = list.rbegin();
    for (auto e = list.rbegin(); e != list.rend(); ++e) {
      if (&e->sandbox->home() == near) {
        pick = e;
        break;
      }
    }
    if (pick != list.rend()) {
      found = std::move(pick->sandbox);
      list.erase(std::next(pick).base());
      ++taken_;
    }
  }
  for (auto& s : stale) s->Stop();
  return found;
}

asio::io_context& Pool::NextHome(const asio::execution_context* near) {
  for (asio::io_context* c : contexts_) {
    if (c == near) return *c;
  }
  return *contexts_[next_home_.fetch_add(1) % contexts_.size()];
}

void Pool::Track(const std::shared_ptr<Sandbox>& sandbox) {
  std::lock_guard lock(mutex_);
  all_.push_back(sandbox);
  born_in_[sandbox.get()] = generation_[sandbox->config().function_name];
  first_run_.insert(sandbox.get());
  ++cold_starts_;
}

void Pool::GiveBack(std::shared_ptr<Sandbox> sandbox) {
  {
    std::lock_guard lock(mutex_);
    if (first_run_.erase(sandbox.get()) == 0 && taken_ > 0) --taken_;
    const std::string& function = sandbox->config().function_name;
    bool current = born_in_[sandbox.get()] == generation_[function] &&
                   std::chrono::steady_clock::now() < sandbox->config().retire_at;
    if (!stopped_ && current && sandbox->usable()) {
      idle_[function].push_back({std::move(sandbox), std::chrono::steady_clock::now()});
      return;
    }
    born_in_.erase(sandbox.get());
  }
  sandbox->Stop();
}

void Pool::Retire(const std::string& function) {
  std::vector<Idle> retired;
  {
    std::lock_guard lock(mutex_);
    ++generation_[function];
    auto it = idle_.find(function);
    if (it != idle_.end()) {
      retired = std::move(it->second);
      idle_.erase(it);
    }
    for (auto& r : retired) born_in_.erase(r.sandbox.get());
  }
  for (auto& r : retired) r.sandbox->Stop();
}

void Pool::Start() {
  reaper_ = std::make_unique<asio::steady_timer>(*contexts_[0]);
  ScheduleReap();
}

void Pool::ScheduleReap() {
  auto period = std::max<std::chrono::milliseconds>(
      std::chrono::milliseconds(200),
      std::chrono::duration_cast<std::chrono::milliseconds>(idle_limit_) / 10);
  reaper_->expires_after(period);
  reaper_->async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    Reap();
    ScheduleReap();
  });
}

void Pool::Reap() {
  std::vector<std::shared_ptr<Sandbox>> expired;
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    for (auto it = idle_.begin(); it != idle_.end();) {
      auto& list = it->second;
      for (auto e = list.begin(); e != list.end();) {
        if (now - e->since >= idle_limit_ || !e->sandbox->usable()) {
          born_in_.erase(e->sandbox.get());
          expired.push_back(std::move(e->sandbox));
          e = list.erase(e);
        } else {
          ++e;
        }
      }
      it = list.empty() ? idle_.erase(it) : std::next(it);
    }
    std::erase_if(all_, [](const std::weak_ptr<Sandbox>& w) { return w.expired(); });
  }
  for (auto& s : expired) s->Stop();
}

void Pool::StopAll() {
  std::vector<std::shared_ptr<Sandbox>> all;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (auto& w : all_) {
      if (auto s = w.lock()) all.push_back(std::move(s));
    }
    idle_.clear();
    born_in_.clear();
  }
  if (reaper_) reaper_->cancel();
  for (auto& s : all) s->Stop();
}

size_t Pool::idle_count() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [_, list] : idle_) n += list.size();
  return n;
}

Pool::Stats Pool::stats() const {
  std::lock_guard lock(mutex_);
  Stats s;
  for (const auto& [_, list] : idle_) s.warm += list.size();
  s.busy = taken_;
  s.starting = first_run_.size();
  s.cold_starts = cold_starts_;
  return s;
}

}  // namespace evoke::exec
