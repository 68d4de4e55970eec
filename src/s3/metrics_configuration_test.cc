// Unit tests for s3/metrics_configuration.h (the metrics configuration documents and which
// requests a filter counts) and the pure parts of s3/request_metrics.h.
#include "s3/metrics_configuration.h"

#include <gtest/gtest.h>

#include "s3/request_metrics.h"

namespace evoke::s3 {
namespace {

std::string Code(const Result<MetricsConfiguration>& r) { return r.ok() ? "" : r.error().code; }

std::string Doc(std::string_view inner) {
  return "<MetricsConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
         std::string(inner) + "</MetricsConfiguration>";
}

TEST(MetricsConfiguration, Ids) {
  EXPECT_TRUE(IsValidMetricsId("EntireBucket"));
  EXPECT_TRUE(IsValidMetricsId("a.b-c_d9"));
  EXPECT_TRUE(IsValidMetricsId(std::string(64, 'x')));
  EXPECT_FALSE(IsValidMetricsId(std::string(65, 'x')));
  EXPECT_FALSE(IsValidMetricsId(""));
  EXPECT_FALSE(IsValidMetricsId("a b"));
  EXPECT_FALSE(IsValidMetricsId("a/b"));
  EXPECT_FALSE(IsValidMetricsId("caf\xc3\xa9"));
}

TEST(MetricsConfiguration, ParsesEachFilterForm) {
  auto none = ParseMetricsConfiguration(Doc("<Id>all</Id>"));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->id, "all");
  EXPECT_EQ(none->filter.form, MetricsFilter::Form::kNone);

  auto prefix = ParseMetricsConfiguration(Doc("<Id>p</Id><Filter><Prefix>logs/</Prefix></Filter>"));
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(prefix->filter.form, MetricsFilter::Form::kPrefix);
  EXPECT_EQ(prefix->filter.prefix.value_or("?"), "logs/");

  auto tag = ParseMetricsConfiguration(
      Doc("<Id>t</Id><Filter><Tag><Key>env</Key><Value>prod</Value></Tag></Filter>"));
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->filter.form, MetricsFilter::Form::kTag);
  ASSERT_EQ(tag->filter.tags.size(), 1u);
  EXPECT_EQ(tag->filter.tags[0], std::make_pair(std::string("env"), std::string("prod")));

  auto arn = ParseMetricsConfiguration(Doc(
      "<Id>a</Id><Filter><AccessPointArn>arn:aws:s3:us-east-1:123456789012:accesspoint/ap"
      "</AccessPointArn></Filter>"));
  ASSERT_TRUE(arn.ok());
  EXPECT_EQ(arn->filter.form, MetricsFilter::Form::kAccessPointArn);

  auto both = ParseMetricsConfiguration(
      Doc("<Id>and</Id><Filter><And><Prefix>x/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag>"
          "<Tag><Key>k2</Key><Value>v2</Value></Tag></And></Filter>"));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->filter.form, MetricsFilter::Form::kAnd);
  EXPECT_EQ(both->filter.prefix.value_or("?"), "x/");
  EXPECT_EQ(both->filter.tags.size(), 2u);
}

TEST(MetricsConfiguration, RefusesWhatS3Refuses) {
  EXPECT_EQ(Code(ParseMetricsConfiguration("<MetricsConfiguration>")), "MalformedXML");
  EXPECT_EQ(Code(ParseMetricsConfiguration("<Other><Id>a</Id></Other>")), "MalformedXML");
  EXPECT_EQ(Code(ParseMetricsConfiguration(Doc(""))), "MalformedXML");  // no Id
  EXPECT_EQ(Code(ParseMetricsConfiguration(Doc("<Id>a</Id><Id>b</Id>"))), "MalformedXML");
  EXPECT_EQ(Code(ParseMetricsConfiguration(Doc("<Id>a</Id><Bogus/>"))), "MalformedXML");
  EXPECT_EQ(Code(ParseMetricsConfiguration(Doc("<Id>bad id</Id>"))), "InvalidArgument");
  // One predicate per filter; an And needs two.
  EXPECT_EQ(Code(ParseMetricsConfiguration(
                Doc("<Id>a</Id><Filter><Prefix>x</Prefix><Prefix>y</Prefix></Filter>"))),
            "MalformedXML");
  EXPECT_EQ(Code(ParseMetricsConfiguration(Doc(
                "<Id>a</Id><Filter><Prefix>x</Prefix><Tag><Key>k</Key></Tag></Filter>"))),
            "MalformedXML");
  EXPECT_EQ(Code(ParseMetricsConfiguration(
                Doc("<Id>a</Id><Filter><And><Prefix>x</Prefix></And></Filter>"))),
            "MalformedXML");
  EXPECT_EQ(Code(ParseMetricsConfiguration(
                Doc("<Id>a</Id><Filter><Tag><Value>v</Value></Tag></Filter>"))),
            "MalformedXML");
  EXPECT_EQ(Code(ParseMetricsConfiguration(Doc(
                "<Id>a</Id><Filter><Tag><Key>" + std::string(129, 'k') + "</Key></Tag></Filter>"))),
            "InvalidTag");
}

TEST(MetricsConfiguration, RoundTripsThroughTheStoredForm) {
  std::vector<MetricsConfiguration> configs;
  for (const char* doc :
       {"<Id>a</Id>", "<Id>b</Id><Filter><Prefix>p&amp;q/</Prefix></Filter>",
        "<Id>c</Id><Filter><And><Prefix></Prefix><Tag><Key>k</Key><Value></Value></Tag></And>"
        "</Filter>"}) {
    auto c = ParseMetricsConfiguration(Doc(doc));
    ASSERT_TRUE(c.ok()) << doc;
    configs.push_back(*c);
  }
  std::string stored = StoredMetricsConfigurations(configs);
  auto back = ParseStoredMetricsConfigurations(stored);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ((*back)[1].filter.prefix.value_or("?"), "p&q/");
  EXPECT_EQ((*back)[2].filter.form, MetricsFilter::Form::kAnd);
  EXPECT_EQ((*back)[2].filter.prefix.value_or("?"), "");
  EXPECT_EQ(StoredMetricsConfigurations({}), "");
  EXPECT_TRUE(ParseStoredMetricsConfigurations("")->empty());
  // What Get answers parses as what was put.
  auto again = ParseMetricsConfiguration(MetricsConfigurationXml((*back)[2]));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->filter.tags, configs[2].filter.tags);
  std::string list = ListMetricsConfigurationsXml(configs, "", "tok");
  EXPECT_NE(list.find("<IsTruncated>true</IsTruncated>"), std::string::npos);
  EXPECT_NE(list.find("<NextContinuationToken>tok</NextContinuationToken>"), std::string::npos);
}

TEST(MetricsConfiguration, FilterMatching) {
  const TagSet none;
  const TagSet prod = {{"env", "prod"}, {"team", "a"}};
  MetricsFilter all;
  EXPECT_TRUE(MetricsFilterMatches(all, "any", none));
  EXPECT_TRUE(MetricsFilterMatches(all, std::nullopt, none));  // bucket-level requests too

  MetricsFilter prefix{MetricsFilter::Form::kPrefix, "logs/", {}, std::nullopt};
  EXPECT_TRUE(MetricsFilterMatches(prefix, "logs/a", none));
  EXPECT_FALSE(MetricsFilterMatches(prefix, "log", none));
  EXPECT_FALSE(MetricsFilterMatches(prefix, "data/logs/a", none));
  EXPECT_FALSE(MetricsFilterMatches(prefix, std::nullopt, none));  // no key: filtered out

  MetricsFilter tag{MetricsFilter::Form::kTag, std::nullopt, {{"env", "prod"}}, std::nullopt};
  EXPECT_TRUE(MetricsFilterMatches(tag, "k", prod));
  EXPECT_FALSE(MetricsFilterMatches(tag, "k", none));
  EXPECT_FALSE(MetricsFilterMatches(tag, "k", {{"env", "dev"}}));
  EXPECT_TRUE(MetricsFilterNeedsTags(tag));
  EXPECT_FALSE(MetricsFilterNeedsTags(prefix));

  MetricsFilter both{MetricsFilter::Form::kAnd, "x/", {{"env", "prod"}, {"team", "a"}},
                     std::nullopt};
  EXPECT_TRUE(MetricsFilterMatches(both, "x/1", prod));
  EXPECT_FALSE(MetricsFilterMatches(both, "y/1", prod));
  EXPECT_FALSE(MetricsFilterMatches(both, "x/1", {{"env", "prod"}}));

  MetricsFilter arn{MetricsFilter::Form::kAccessPointArn, std::nullopt, {}, "arn:..."};
  EXPECT_FALSE(MetricsFilterMatches(arn, "k", none));  // no access points in evoke
}

TEST(RequestMetrics, RequestTypes) {
  EXPECT_EQ(RequestTypeMetric(Action::kGetObject, "GET"), "GetRequests");
  EXPECT_EQ(RequestTypeMetric(Action::kPutObject, "PUT"), "PutRequests");
  EXPECT_EQ(RequestTypeMetric(Action::kCopyObject, "PUT"), "PutRequests");
  EXPECT_EQ(RequestTypeMetric(Action::kDeleteObject, "DELETE"), "DeleteRequests");
  EXPECT_EQ(RequestTypeMetric(Action::kDeleteObjects, "POST"), "DeleteRequests");
  EXPECT_EQ(RequestTypeMetric(Action::kHeadObject, "HEAD"), "HeadRequests");
  EXPECT_EQ(RequestTypeMetric(Action::kHeadBucket, "HEAD"), "HeadRequests");
  EXPECT_EQ(RequestTypeMetric(Action::kPostObject, "POST"), "PostRequests");
  EXPECT_EQ(RequestTypeMetric(Action::kCreateMultipartUpload, "POST"), "PostRequests");
  EXPECT_EQ(RequestTypeMetric(Action::kListObjectsV2, "GET"), "ListRequests");
  EXPECT_EQ(RequestTypeMetric(Action::kListParts, "GET"), "ListRequests");
  // A bucket's sub-resources count in AllRequests only.
  EXPECT_EQ(RequestTypeMetric(Action::kGetBucketPolicy, "GET"), "");
  EXPECT_EQ(RequestTypeMetric(Action::kPutBucketMetricsConfiguration, "PUT"), "");
}

TEST(RequestMetrics, StorageTypes) {
  EXPECT_EQ(StorageTypeOf("STANDARD"), "StandardStorage");
  EXPECT_EQ(StorageTypeOf("STANDARD_IA"), "StandardIAStorage");
  EXPECT_EQ(StorageTypeOf("GLACIER"), "GlacierStorage");
  EXPECT_EQ(StorageTypeOf("GLACIER_IR"), "GlacierInstantRetrievalStorage");
  EXPECT_EQ(StorageTypeOf("DEEP_ARCHIVE"), "DeepArchiveStorage");
  EXPECT_EQ(StorageTypeOf("OUTPOSTS"), "");
}

}  // namespace
}  // namespace evoke::s3
