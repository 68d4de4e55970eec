// The stored form of a metric's quantile sketch, fed any bytes (a damaged database must not
// crash evoke). What decodes must encode and decode back to the same sketch and answer
// quantiles.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "observe/metric_sketch.h"

using evoke::observe::MetricSketch;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto sketch = MetricSketch::Decode(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!sketch) return 0;
  auto again = MetricSketch::Decode(sketch->Encode());
  if (!again || !(*again == *sketch)) abort();
  for (double q : {0.0, 0.5, 0.99, 1.0}) {
    if (!sketch->empty() && !sketch->Quantile(q)) abort();
  }
  MetricSketch merged = *sketch;
  merged.Merge(*again);
  if (merged.count() != 2 * sketch->count()) abort();
  return 0;
}
