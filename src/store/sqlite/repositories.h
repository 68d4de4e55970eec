// The SQLite repositories (store/objects.h, store/functions.h, store/layers.h, store/logs.h,
// store/schedules.h): each method runs its SQL on the connection of the transaction it is given
// (store/sqlite/txn.h). Stateless; one of each per SqliteStore.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/alarms.h"
#include "store/functions.h"
#include "store/iam.h"
#include "store/layers.h"
#include "store/logs.h"
#include "store/metrics.h"
#include "store/objects.h"
#include "store/schedules.h"

namespace evoke::store::sqlite {

class SqliteObjects final : public ObjectRepository {
 public:
  Result<std::optional<BucketRecord>> GetBucket(ReadTxn& t, std::string_view name) override;
  Result<std::vector<BucketRecord>> ListBuckets(ReadTxn& t) override;
  Result<std::optional<ObjectRecord>> GetObject(ReadTxn& t, std::string_view bucket,
                                                std::string_view key) override;
  Result<std::optional<ObjectRecord>> GetVersion(ReadTxn& t, std::string_view bucket,
                                                 std::string_view key,
                                                 std::string_view version_id) override;
  Result<std::vector<ObjectRecord>> ListObjects(ReadTxn& t, std::string_view bucket,
                                                std::string_view prefix, std::string_view after,
                                                size_t limit) override;
  Result<std::vector<ObjectRecord>> ListVersions(ReadTxn& t, std::string_view bucket,
                                                 std::string_view prefix,
                                                 const VersionPosition& after,
                                                 size_t limit) override;
  Result<std::optional<UploadRecord>> GetUpload(ReadTxn& t, std::string_view upload_id) override;
  Result<std::vector<StorageClassUsage>> StorageUsage(ReadTxn& t,
                                                      std::string_view bucket) override;
  Result<std::vector<PartRecord>> ListParts(ReadTxn& t, std::string_view upload_id, int after,
                                            size_t limit) override;
  Result<std::vector<UploadRecord>> ListUploads(ReadTxn& t, std::string_view bucket,
                                                std::string_view prefix,
                                                std::string_view key_marker,
                                                std::string_view upload_id_marker,
                                                size_t limit) override;
  Status CreateBucket(WriteTxn& t, const BucketRecord& bucket) override;
  Status DeleteBucket(WriteTxn& t, std::string_view name) override;
  Status SetBucketSetting(WriteTxn& t, std::string_view bucket, BucketSetting setting,
                          std::string_view value) override;
  Status PutObject(WriteTxn& t, ObjectRecord& object) override;
  Status UpdateObjectHeaders(WriteTxn& t, std::string_view bucket, std::string_view key,
                             std::string_view version_id,
                             const std::function<void(HeaderList&)>& update) override;
  Status SetObjectLock(WriteTxn& t, std::string_view bucket, std::string_view key,
                       std::string_view version_id, const ObjectLockState& lock) override;
  Result<DeleteOutcome> DeleteObject(WriteTxn& t, std::string_view bucket, std::string_view key,
                                     std::string_view version_id, int64_t now_ms) override;
  Status CreateUpload(WriteTxn& t, const UploadRecord& upload) override;
  Status PutPart(WriteTxn& t, const PartRecord& part) override;
  Status CompleteUpload(WriteTxn& t, std::string_view upload_id, ObjectRecord& object) override;
  Status AbortUpload(WriteTxn& t, std::string_view upload_id) override;
};

class SqliteFunctions final : public FunctionRepository {
 public:
  Result<std::optional<FunctionRecord>> GetFunction(ReadTxn& t, std::string_view name) override;
  Result<std::vector<FunctionRecord>> ListFunctions(ReadTxn& t, std::string_view after,
                                                    size_t limit) override;
  Result<std::vector<std::pair<std::string, int>>> ListReservedConcurrency(ReadTxn& t) override;
  Result<CodeUsage> GetCodeUsage(ReadTxn& t) override;
  Status CreateFunction(WriteTxn& t, const FunctionRecord& function) override;
  Status ReplaceFunction(WriteTxn& t, const FunctionRecord& function) override;
  Status DeleteFunction(WriteTxn& t, std::string_view name) override;
  Status SetReservedConcurrency(WriteTxn& t, std::string_view name,
                                std::optional<int> reserved) override;
  Status SetFunctionPolicy(WriteTxn& t, std::string_view name, std::string_view policy) override;
  Status SetEventInvokeConfig(WriteTxn& t, std::string_view name, std::string_view config) override;
};

class SqliteLayers final : public LayerRepository {
 public:
  Result<std::optional<LayerVersionRecord>> GetLayerVersion(ReadTxn& t, std::string_view name,
                                                            int64_t version) override;
  Result<std::vector<LayerVersionRecord>> ListLayerVersions(ReadTxn& t, std::string_view name,
                                                            int64_t below, size_t limit) override;
  Result<std::vector<std::string>> ListLayerNames(ReadTxn& t, std::string_view after,
                                                  size_t limit) override;
  Result<LayerVersionRecord> PublishLayerVersion(WriteTxn& t, LayerVersionRecord layer,
                                                 std::string_view layer_arn) override;
  Status DeleteLayerVersion(WriteTxn& t, std::string_view name, int64_t version) override;
};

class SqliteLogs final : public LogRepository {
 public:
  Result<std::optional<LogGroupRecord>> GetLogGroup(ReadTxn& t, std::string_view name) override;
  Result<std::vector<LogGroupRecord>> ListLogGroups(ReadTxn& t, std::string_view prefix,
                                                    std::string_view after, size_t limit) override;
  Result<std::vector<LogGroupRecord>> ListGroupsWithRetention(ReadTxn& t) override;
  Result<std::optional<LogStreamRecord>> GetLogStream(ReadTxn& t, int64_t group_id,
                                                      std::string_view name) override;
  Result<std::vector<LogStreamRecord>> ListAllLogStreams(ReadTxn& t, int64_t group_id) override;
  Result<std::vector<LogStreamRecord>> ListLogStreams(ReadTxn& t,
                                                      const StreamListing& listing) override;
  Result<std::vector<StoredLogEvent>> ReadStreamEvents(ReadTxn& t, int64_t stream_id,
                                                       const EventRange& range) override;
  Result<std::vector<StoredLogEvent>> ReadGroupEvents(ReadTxn& t, int64_t group_id,
                                                      const EventRange& range) override;
  Status CreateLogGroup(WriteTxn& t, std::string_view name, int64_t now_ms) override;
  Status DeleteLogGroup(WriteTxn& t, std::string_view name) override;
  Status SetLogRetention(WriteTxn& t, std::string_view group, std::optional<int> days) override;
  Status CreateLogStream(WriteTxn& t, std::string_view group, std::string_view stream,
                         int64_t now_ms) override;
  Status DeleteLogStream(WriteTxn& t, std::string_view group, std::string_view stream) override;
  Status AppendLogEvents(WriteTxn& t, std::string_view group, std::string_view stream,
                         const std::vector<NewLogEvent>& events, int64_t now_ms,
                         bool create) override;
  Result<size_t> ExpireLogEvents(WriteTxn& t, int64_t now_ms, size_t budget) override;
};

class SqliteSchedules final : public ScheduleRepository {
 public:
  Result<std::optional<RuleRecord>> GetRule(ReadTxn& t, std::string_view name) override;
  Result<std::vector<RuleRecord>> ListRules(ReadTxn& t, std::string_view prefix,
                                            std::string_view after, size_t limit) override;
  Result<std::vector<RuleRecord>> ListEnabledScheduledRules(ReadTxn& t) override;
  Status PutRule(WriteTxn& t, const RuleRecord& rule) override;
  Result<bool> SetRuleState(WriteTxn& t, std::string_view name, std::string_view state) override;
  Result<bool> DeleteRule(WriteTxn& t, std::string_view name) override;
  Result<std::vector<RuleTargetRecord>> ListRuleTargets(ReadTxn& t, std::string_view rule) override;
  Result<size_t> CountRuleTargets(ReadTxn& t, std::string_view rule) override;
  Status PutRuleTarget(WriteTxn& t, const RuleTargetRecord& target) override;
  Result<bool> DeleteRuleTarget(WriteTxn& t, std::string_view rule, std::string_view id) override;
  Result<std::optional<ScheduleRecord>> GetSchedule(ReadTxn& t, std::string_view group,
                                                    std::string_view name) override;
  Result<std::vector<ScheduleRecord>> ListSchedules(ReadTxn& t, const ScheduleFilter& filter,
                                                    size_t limit) override;
  Status CreateSchedule(WriteTxn& t, const ScheduleRecord& schedule) override;
  Result<bool> ReplaceSchedule(WriteTxn& t, const ScheduleRecord& schedule) override;
  Result<bool> DeleteSchedule(WriteTxn& t, std::string_view group, std::string_view name) override;
  Result<std::optional<ScheduleGroupRecord>> GetScheduleGroup(ReadTxn& t,
                                                              std::string_view name) override;
  Result<std::vector<ScheduleGroupRecord>> ListScheduleGroups(ReadTxn& t) override;
  Status CreateScheduleGroup(WriteTxn& t, const ScheduleGroupRecord& group) override;
  Result<bool> DeleteScheduleGroup(WriteTxn& t, std::string_view name) override;
};

class SqliteAlarms final : public AlarmRepository {
 public:
  Result<std::optional<AlarmRecord>> GetAlarm(ReadTxn& t, std::string_view name) override;
  Result<std::vector<AlarmRecord>> ListAlarms(ReadTxn& t, std::string_view after,
                                              size_t limit) override;
  Result<int64_t> CountAlarms(ReadTxn& t) override;
  Result<std::vector<AlarmHistoryRecord>> ListHistory(ReadTxn& t,
                                                      const AlarmHistoryQuery& query) override;
  Status PutAlarm(WriteTxn& t, const AlarmRecord& alarm) override;
  Status DeleteAlarm(WriteTxn& t, std::string_view name) override;
  Status AddHistory(WriteTxn& t, const AlarmHistoryRecord& item) override;
  Status DeleteHistoryBefore(WriteTxn& t, int64_t before_ms) override;
};

class SqliteMetrics final : public MetricRepository {
 public:
  Result<std::optional<MetricSeriesRecord>> FindSeries(ReadTxn& t, std::string_view key) override;
  Result<std::vector<MetricSeriesRecord>> FindSeriesAnyUnit(ReadTxn& t,
                                                            std::string_view name_space,
                                                            std::string_view metric,
                                                            std::string_view dimensions) override;
  Result<std::vector<MetricSeriesRecord>> ListSeries(ReadTxn& t,
                                                     const SeriesListing& listing) override;
  Result<std::vector<StoredMetricPoint>> ReadPoints(ReadTxn& t, int64_t series_id, int period_s,
                                                    int64_t start_s, int64_t end_s) override;
  Result<std::vector<StoredMetricPoint>> ReadAllPoints(ReadTxn& t, int period_s, int64_t start_s,
                                                       int64_t end_s) override;
  Result<std::optional<StoredMetricPoint>> GetPoint(ReadTxn& t, int64_t series_id, int period_s,
                                                    int64_t start_s) override;
  Result<int64_t> TouchSeries(WriteTxn& t, const MetricSeriesRecord& series) override;
  Status PutPoint(WriteTxn& t, const StoredMetricPoint& point) override;
  Status DeletePointsBefore(WriteTxn& t, int period_s, int64_t before_s) override;
};

class SqliteIam final : public IamRepository {
 public:
  Result<std::optional<std::string>> GetIamEntity(ReadTxn& t, std::string_view kind,
                                                  std::string_view name) override;
  Result<std::vector<IamRecord>> ListIamEntities(ReadTxn& t, std::string_view kind,
                                                 std::string_view after, size_t limit) override;
  Status PutIamEntity(WriteTxn& t, std::string_view kind, std::string_view name,
                      std::string_view document) override;
  Result<bool> DeleteIamEntity(WriteTxn& t, std::string_view kind,
                               std::string_view name) override;
};

// Removes the deleted layer versions no function names any longer (after a function changed).
Status PurgeUnusedDeletedLayers(WriteTxn& t);

// The text forms of segment lists, part lists and header lists in the objects table; exposed
// for tests.
std::string EncodeSegments(const std::vector<Segment>& segments);
std::vector<Segment> DecodeSegments(std::string_view text);
std::string EncodeParts(const std::vector<ObjectPart>& parts);
std::vector<ObjectPart> DecodeParts(std::string_view text);
std::string EncodeHeaders(const HeaderList& headers);
HeaderList DecodeHeaders(std::string_view text);

}  // namespace evoke::store::sqlite
