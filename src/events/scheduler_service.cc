#include "events/scheduler_service.h"

#include <array>

#include "auth/json_api_errors.h"
#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "events/events_input.h"
#include "http/read_body.h"
#include "store/await_commit.h"
#include "store/schedules.h"

namespace evoke::events {
namespace {

using nlohmann::json;

constexpr size_t kMaxRequestBytes = 1u << 20;

struct Route {
  std::string_view method;
  std::string_view path;  // "{}" matches one segment
  std::string_view action;
  SchedulerAction run;
};

constexpr std::array kRoutes = {
    Route{"POST", "/schedules/{}", "CreateSchedule", CreateSchedule},
    Route{"GET", "/schedules/{}", "GetSchedule", GetSchedule},
    Route{"PUT", "/schedules/{}", "UpdateSchedule", UpdateSchedule},
    Route{"DELETE", "/schedules/{}", "DeleteSchedule", DeleteSchedule},
    Route{"GET", "/schedules", "ListSchedules", ListSchedules},
    Route{"POST", "/schedule-groups/{}", "CreateScheduleGroup", CreateScheduleGroup},
    Route{"GET", "/schedule-groups/{}", "GetScheduleGroup", GetScheduleGroup},
    Route{"DELETE", "/schedule-groups/{}", "DeleteScheduleGroup", DeleteScheduleGroup},
    Route{"GET", "/schedule-groups", "ListScheduleGroups", ListScheduleGroups},
};

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

const Route* FindRoute(const http::Request& req, std::vector<std::string>& params) {
  std::vector<std::string_view> have = Segments(req.path);
  for (const Route& r : kRoutes) {
    if (r.method != req.method) continue;
    std::vector<std::string_view> want = Segments(r.path);
    if (want.size() != have.size()) continue;
    std::vector<std::string> found;
    bool match = true;
    for (size_t i = 0; i < want.size() && match; ++i) {
      if (want[i] == "{}") {
        auto decoded = UriDecode(have[i], false);
        match = decoded.has_value();
        if (match) found.push_back(std::move(*decoded));
      } else {
        match = want[i] == have[i];
      }
    }
    if (match) {
      params = std::move(found);
      return &r;
    }
  }
  return nullptr;
}

http::Response JsonResponse(int status, std::string body, const std::string& request_id) {
  http::Response r;
  r.status = status;
  r.headers.Add("Content-Type", "application/json");
  r.headers.Add("x-amzn-RequestId", request_id);
  r.body = std::move(body);
  return r;
}

http::Response ErrorResponse(const Error& error, const std::string& request_id) {
  json body = {{"Message", error.message}};
  http::Response r =
      JsonResponse(SchedulerStatusForError(error.code), body.dump(-1, ' ', false, json::error_handler_t::replace), request_id);
  r.headers.Add("x-amzn-ErrorType", error.code);
  return r;
}

}  // namespace

int SchedulerStatusForError(std::string_view code) {
  static constexpr std::array<std::pair<std::string_view, int>, 13> kStatuses = {{
      {"ValidationException", 400},
      {"SerializationException", 400},
      {"ConflictException", 409},
      {"ResourceNotFoundException", 404},
      {"ServiceQuotaExceededException", 402},
      {"ThrottlingException", 429},
      {"InternalServerException", 500},
      {"UnrecognizedClientException", 403},
      {"InvalidSignatureException", 403},
      {"AccessDeniedException", 403},
      {"MissingAuthenticationTokenException", 403},
      {"UnknownOperationException", 404},
      {"NotImplemented", 501},
  }};
  for (const auto& [c, status] : kStatuses) {
    if (c == code) return status;
  }
  return code == "IncompleteBody" || code == "RequestTimeout" ? 400 : 500;
}

Task<Status> SchedulerContext::Commit(std::function<Status(store::WriteTxn&)> apply) const {
  Status s = co_await store::AwaitCommit(deps.committer, {}, {}, std::move(apply));
  if (s.ok() && deps.schedules_changed) deps.schedules_changed();
  co_return s;
}

const std::string* SchedulerContext::Query(std::string_view name) const {
  return request.query.Get(name);
}

std::string SchedulerContext::ScheduleArn(std::string_view group, std::string_view name) const {
  return "arn:aws:scheduler:" + options.region + ":" + options.account_id + ":schedule/" +
         std::string(group) + "/" + std::string(name);
}

std::string SchedulerContext::GroupArn(std::string_view group) const {
  return "arn:aws:scheduler:" + options.region + ":" + options.account_id + ":schedule-group/" +
         std::string(group);
}

Status CheckScheduleName(std::string_view name, const char* path) {
  if (Status s = CheckLength(name, path, 1, 64); !s.ok()) return s;
  return CheckChars(name, path, "-_.", "^[0-9a-zA-Z-_.]+$");
}

Result<std::string> ExistingGroup(store::Connection& c, const std::string* group) {
  if (!group || group->empty() || *group == "default") return std::string("default");
  if (Status s = CheckScheduleName(*group, "groupName"); !s.ok()) return std::move(s).error();
  auto found = store::GetScheduleGroup(c, *group);
  if (!found.ok()) return std::move(found).error();
  if (!found->has_value()) {
    return MakeError("ResourceNotFoundException", "Schedule group " + *group + " does not exist.");
  }
  return *group;
}

SchedulerService::SchedulerService(EventsOptions options, EventsDependencies deps)
    : options_(std::move(options)), deps_(std::move(deps)) {}

Task<void> SchedulerService::Handle(http::Exchange& ex) {
  std::string request_id = NewUuid();
  ex.log().request_id = request_id;
  ex.log().service = "scheduler";
  Error error;
  bool failed = true;
  do {
    if (auth::DetectAuthKind(ex.request()) == auth::AuthKind::kAnonymous) {
      error = MakeError("MissingAuthenticationTokenException", "Missing Authentication Token");
      break;
    }
    auto body = co_await http::ReadWholeBody(ex, kMaxRequestBytes);
    if (!body.ok()) {
      error = std::move(body).error();
      if (error.code == "BodyTooLarge") {
        error = MakeError("ValidationException", "Request must be smaller than " +
                                                     std::to_string(kMaxRequestBytes) + " bytes");
      }
      break;
    }
    auto verified = deps_.verifier.VerifyWithBody(ex.request(), Sha256Hex(*body));
    if (!verified.ok()) {
      error = auth::AsJsonApiAuthError(std::move(verified).error());
      break;
    }
    ex.log().principal = verified->principal.access_key_id;
    std::vector<std::string> params;
    const Route* route = FindRoute(ex.request(), params);
    if (!route) {
      error = MakeError("UnknownOperationException", "");
      break;
    }
    ex.log().action = std::string(route->action);
    json input = json::parse(body->empty() ? std::string("{}") : *body, nullptr, false);
    if (input.is_discarded() || !input.is_object()) {
      error = MakeError("SerializationException", "");
      break;
    }
    SchedulerContext ctx{ex.request(), options_, deps_, input, std::move(params)};
    Result<json> out = MakeError("InternalServerException", "");
    try {
      out = co_await route->run(ctx);
    } catch (const json::exception& e) {
      out = MakeError("SerializationException", e.what());
    }
    if (!out.ok()) {
      error = std::move(out).error();
      break;
    }
    failed = false;
    (void)co_await ex.Send(
        JsonResponse(200, out->dump(-1, ' ', false, json::error_handler_t::replace), request_id));
  } while (false);

  if (failed && !ex.responded()) {
    ex.log().error_code = error.code;
    (void)co_await ex.Send(ErrorResponse(error, request_id));
  }
}

}  // namespace evoke::events
