// Store: every interface of the store (docs/store.md), as `app` gets them from a backend and
// hands them to the modules, each only the ones it uses.
#pragma once

#include "store/alarms.h"
#include "store/async_queue.h"
#include "store/blob_store.h"
#include "store/functions.h"
#include "store/iam.h"
#include "store/layers.h"
#include "store/logs.h"
#include "store/metrics.h"
#include "store/objects.h"
#include "store/schedules.h"
#include "store/txn.h"

namespace evoke::store {

struct Store {
  Transactions& txns;
  BlobStore& blobs;
  ObjectRepository& objects;
  FunctionRepository& functions;
  LayerRepository& layers;
  AsyncQueueStore& queue;
  LogRepository& logs;
  ScheduleRepository& schedules;
  IamRepository& iam;
  MetricRepository& metrics;
  AlarmRepository& alarms;
};

}  // namespace evoke::store
