// S3's parsers of XML request documents, fed any bytes: the first byte picks the parser. None
// may crash, hang or leak; what one accepts must render and parse back the same where a
// rendering exists.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "s3/acl.h"
#include "s3/cors.h"
#include "s3/encryption.h"
#include "s3/lifecycle.h"
#include "s3/metrics_configuration.h"
#include "s3/multipart.h"
#include "s3/notification.h"
#include "s3/object_lock_rules.h"
#include "s3/tagging.h"

using namespace evoke::s3;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view xml(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 11) {
    case 0: {
      auto tags = ParseTaggingXml(xml);
      if (tags.ok()) {
        auto again = ParseTaggingXml(TaggingXml(*tags));
        if (!again.ok() || *again != *tags) abort();
      }
      break;
    }
    case 1: {
      auto config = ParseLifecycleXml(xml);
      if (config.ok() && !ParseLifecycleXml(LifecycleXml(*config)).ok()) abort();
      break;
    }
    case 2: {
      auto config = ParseCorsXml(xml);
      if (config.ok() && !ParseCorsXml(CorsXml(*config)).ok()) abort();
      break;
    }
    case 3: {
      auto config = ParseNotificationConfiguration(xml);
      if (config.ok()) (void)CheckOverlaps(*config);
      break;
    }
    case 4:
      (void)ParseAclXml(xml, std::string(64, '0'));
      break;
    case 5:
      (void)ParseCompleteMultipartUpload(xml);
      break;
    case 6: {
      auto config = ParseEncryptionConfiguration(xml);
      if (config.ok() && !ParseEncryptionConfiguration(EncryptionConfigurationXml(*config)).ok()) {
        abort();
      }
      break;
    }
    case 7: {
      auto config = ParseObjectLockConfigXml(xml);
      if (config.ok() && !ParseObjectLockConfigXml(ObjectLockConfigXml(*config)).ok()) abort();
      break;
    }
    case 8:
      (void)ParseRetentionXml(xml);
      break;
    case 9:
      (void)ParseLegalHoldXml(xml);
      break;
    case 10: {
      auto config = ParseMetricsConfiguration(xml);
      if (config.ok()) {
        auto again = ParseMetricsConfiguration(MetricsConfigurationXml(*config));
        if (!again.ok() || again->id != config->id || again->filter.tags != config->filter.tags ||
            again->filter.prefix != config->filter.prefix) {
          abort();
        }
        MetricsConfiguration one[] = {*config};
        if (!ParseStoredMetricsConfigurations(StoredMetricsConfigurations(one)).ok()) abort();
      }
      break;
    }
  }
  return 0;
}
