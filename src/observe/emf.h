// The CloudWatch Embedded Metric Format (EMF): a log line that is a JSON object with an
// "_aws" member naming metrics in the object's own members, as Powertools for AWS Lambda and
// the aws-embedded-metrics libraries write them. CloudWatch Logs turns such a line of a
// function's log into metrics; so does evoke (observe/log_store.h). Pure.
//
//   {"_aws": {"Timestamp": 1700000000000,
//             "CloudWatchMetrics": [{"Namespace": "shop",
//                                    "Dimensions": [["Service"], []],
//                                    "Metrics": [{"Name": "Orders", "Unit": "Count",
//                                                 "StorageResolution": 60}]}]},
//    "Service": "cart", "Orders": [1, 2]}
//
// Each metric's value is the member of its name: a number or an array of at most 100
// numbers; each dimension set's values are the members of its dimension names, strings. A
// line that breaks the format's rules (a missing member, a value that is not a number, more
// than 100 metrics in a directive or 30 dimensions in a set, a namespace out of 1 to 255
// characters) yields no metrics, as CloudWatch then only keeps the line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "observe/metric_accumulator.h"

namespace evoke::observe {

struct EmfValue {
  SeriesKey series;
  std::vector<double> values;
  int64_t timestamp_ms = 0;
  bool high_resolution = false;  // StorageResolution 1
};

// Quick test before parsing: whether `line` may be an EMF object at all.
bool MayBeEmf(std::string_view line);

// The metrics of one EMF line (one entry per metric and dimension set); empty when the line is
// not EMF or breaks its rules.
std::vector<EmfValue> ParseEmf(std::string_view line);

}  // namespace evoke::observe
