#include "observe/prometheus.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

#include "observe/process_metrics.h"
#include "observe/prometheus_lambda.h"
#include "observe/request_series.h"

namespace evoke::observe::prometheus {
namespace {

TEST(PrometheusFormat, Values) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(0.005), "0.005");
  EXPECT_EQ(FormatValue(1.5e20), "1.5e+20");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(PrometheusFormat, Escaping) {
  std::string out;
  AppendLabelValue(out, "a\\b\"c\nd");
  EXPECT_EQ(out, "a\\\\b\\\"c\\nd");
  out.clear();
  AppendLabelValue(out, "caf\xC3\xA9 \xFF\xC3");  // é kept; a stray byte and a cut sequence not
  EXPECT_EQ(out, "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD");
  out.clear();
  AppendHelp(out, "one\\two\nthree \"q\"");
  EXPECT_EQ(out, "one\\\\two\\nthree \"q\"");
}

TEST(PrometheusFormat, Names) {
  EXPECT_TRUE(IsValidMetricName("evoke_requests_total"));
  EXPECT_TRUE(IsValidMetricName("a:b_c9"));
  EXPECT_FALSE(IsValidMetricName("9a"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("service"));
  EXPECT_FALSE(IsValidLabelName("__name"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  Registry r;
  EXPECT_THROW(r.AddCounter("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(r.AddCounter("ok", "x", {"le"}), std::invalid_argument);
  r.AddCounter("twice", "x");
  EXPECT_THROW(r.AddGauge("twice", "x"), std::invalid_argument);
  EXPECT_THROW(r.AddHistogram("h", "x", {}, {1, 0.5}), std::invalid_argument);
}

TEST(PrometheusRegistry, RendersCountersAndGauges) {
  Registry r;
  auto& requests = r.AddCounter("req_total", "Requests.\nBy service.", {"service", "status"});
  auto& up = r.AddGauge("temperature", "A gauge.");
  requests.With({"s3", "200"}).Inc();
  requests.With({"s3", "200"}).Inc(2);
  requests.With({"lambda", "404"}).Inc();
  requests.With({"we\"ird", "500"}).Inc();
  up.Only().Set(-1.5);
  EXPECT_EQ(r.Render(),
            "# HELP req_total Requests.\\nBy service.\n"
            "# TYPE req_total counter\n"
            "req_total{service=\"lambda\",status=\"404\"} 1\n"
            "req_total{service=\"s3\",status=\"200\"} 3\n"
            "req_total{service=\"we\\\"ird\",status=\"500\"} 1\n"
            "# HELP temperature A gauge.\n"
            "# TYPE temperature gauge\n"
            "temperature -1.5\n");
}

TEST(PrometheusRegistry, RendersHistograms) {
  Registry r;
  auto& h = r.AddHistogram("latency_seconds", "Latency.", {"op"}, {0.1, 1});
  h.With({"Get"}).Observe(0.05);
  h.With({"Get"}).Observe(0.1);  // buckets are inclusive
  h.With({"Get"}).Observe(0.5);
  h.With({"Get"}).Observe(7);
  EXPECT_EQ(r.Render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{op=\"Get\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{op=\"Get\",le=\"1\"} 3\n"
            "latency_seconds_bucket{op=\"Get\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{op=\"Get\"} 7.65\n"
            "latency_seconds_count{op=\"Get\"} 4\n");
  Registry bare;
  bare.AddHistogram("h", "H.", {}, {1}).Only().Observe(std::nan(""));
  EXPECT_EQ(bare.Render(),
            "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\n"
            "h_sum NaN\nh_count 1\n");
}

TEST(PrometheusRegistry, LabelSetsAreBounded) {
  Registry r;
  auto& c = r.AddCounter("c_total", "C.", {"k"}, 3);
  for (int i = 0; i < 1000; ++i) c.With({std::to_string(i)}).Inc();
  EXPECT_EQ(c.series_count(), 3u);
  std::string text = r.Render();
  EXPECT_NE(text.find("c_total{k=\"other\"} 997\n"), std::string::npos) << text;
  // Known label sets keep counting in their own series.
  c.With({"0"}).Inc();
  EXPECT_NE(r.Render().find("c_total{k=\"0\"} 2\n"), std::string::npos);
}

TEST(PrometheusRegistry, CollectorsRunAtRender) {
  Registry r;
  auto& g = r.AddGauge("g", "G.").Only();
  int calls = 0;
  r.OnCollect([&] { g.Set(++calls); });
  EXPECT_NE(r.Render().find("g 1\n"), std::string::npos);
  EXPECT_NE(r.Render().find("g 2\n"), std::string::npos);
}

TEST(PrometheusRegistry, ConcurrentUpdatesAreCounted) {
  Registry r;
  auto& c = r.AddCounter("c_total", "C.", {"k"});
  auto& h = r.AddHistogram("h", "H.", {"k"}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        c.With({i % 2 ? "a" : "b"}).Inc();
        h.With({"x"}).Observe(t);
        if (i % 1000 == 0) (void)r.Render();
      }
    });
  }
  for (auto& th : threads) th.join();
  std::string text = r.Render();
  EXPECT_NE(text.find("c_total{k=\"a\"} 20000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("c_total{k=\"b\"} 20000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_count{k=\"x\"} 40000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{k=\"x\",le=\"1\"} 20000\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace evoke::observe::prometheus

namespace evoke::observe {
namespace {

TEST(RequestSeries, FoldsWhatItDoesNotKnow) {
  prometheus::Registry r;
  RequestSeries m(r, {{"s3", {"GetObject", "PutObject"}}, {"evoke", {"GetMetrics"}}});
  auto l = m.Fold("s3", "GetObject", 200);
  EXPECT_EQ(l.service, "s3");
  EXPECT_EQ(l.action, "GetObject");
  EXPECT_EQ(l.status, "200");
  l = m.Fold("s3", "MadeUpAction", 999);
  EXPECT_EQ(l.service, "s3");
  EXPECT_EQ(l.action, "unknown");
  EXPECT_EQ(l.status, "unknown");
  l = m.Fold("sqs-from-a-forged-scope", "GetObject", 400);
  EXPECT_EQ(l.service, "unknown");
  EXPECT_EQ(l.action, "unknown");
  // A hostile client's endless distinct actions and services add no series.
  for (int i = 0; i < 5000; ++i) {
    m.Record({"svc" + std::to_string(i), "Op" + std::to_string(i), 400, 10, 20, 0.001});
  }
  m.Record({"s3", "PutObject", 200, 100, 0, 0.02});
  std::string text = r.Render();
  EXPECT_NE(text.find("evoke_requests_total{service=\"unknown\",action=\"unknown\",status=\"400\"} "
                      "5000\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("evoke_requests_total{service=\"s3\",action=\"PutObject\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("evoke_request_duration_seconds_bucket{service=\"s3\",action=\"PutObject\","
                      "le=\"0.025\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("evoke_request_bytes_total{service=\"s3\"} 100\n"), std::string::npos);
  EXPECT_NE(text.find("evoke_response_bytes_total{service=\"unknown\"} 100000\n"),
            std::string::npos);
}

class RecordingSink final : public MetricSink {
 public:
  int64_t NowMs() const override { return 1234; }
  void Record(std::string_view, std::string_view metric, std::string_view,
              const MetricDimensions&, double, int64_t) override {
    seen.emplace_back(metric);
  }
  std::vector<std::string> seen;
};

TEST(LambdaPrometheus, CountsTheFunctionNameDimensionOnce) {
  prometheus::Registry r;
  FakeClock clock(5);
  LambdaPrometheus lambda(r, clock);
  RecordingSink store;
  MetricFanOut sinks({&store, &lambda});
  EXPECT_EQ(sinks.NowMs(), 1234);
  const MetricDimensions none;
  const MetricDimensions fn{{"FunctionName", "hello"}};
  const MetricDimensions resource{{"FunctionName", "hello"}, {"Resource", "hello"}};
  for (const MetricDimensions* d : {&none, &fn, &resource}) {
    sinks.Record("AWS/Lambda", "Invocations", "Count", *d, 1, 0);
    sinks.Record("AWS/Lambda", "Errors", "Count", *d, 1, 0);
    sinks.Record("AWS/Lambda", "Throttles", "Count", *d, 0, 0);
    sinks.Record("AWS/Lambda", "Duration", "Milliseconds", *d, 250, 0);
  }
  sinks.Record("Custom/App", "Invocations", "Count", fn, 1, 0);
  sinks.Record("AWS/Lambda", "ConcurrentExecutions", "Count", fn, 3, 0);
  EXPECT_EQ(store.seen.size(), 14u);  // the store sees everything
  std::string text = r.Render();
  EXPECT_NE(text.find("evoke_lambda_invocations_total{function=\"hello\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("evoke_lambda_errors_total{function=\"hello\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("evoke_lambda_throttles_total{function=\"hello\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("evoke_lambda_duration_seconds_bucket{function=\"hello\",le=\"0.25\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("evoke_lambda_duration_seconds_sum{function=\"hello\"} 0.25\n"),
            std::string::npos);
}

TEST(ProcessMetrics, ParsesProcStat) {
  // A command name with spaces and parentheses, as proc(5) allows.
  std::string stat =
      "4242 (evo ke) (x)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 9 0 123456 "
      "987654321 2048 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";
  auto s = ParseProcStat(stat);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->utime_ticks, 250u);
  EXPECT_EQ(s->stime_ticks, 50u);
  EXPECT_EQ(s->start_ticks, 123456u);
  EXPECT_EQ(s->vsize_bytes, 987654321u);
  EXPECT_EQ(s->rss_pages, 2048u);
  EXPECT_FALSE(ParseProcStat("garbage").has_value());
  EXPECT_FALSE(ParseProcStat("1 (x) S 1 2").has_value());
  EXPECT_EQ(ParseBootTime("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n"), 1700000000);
  EXPECT_FALSE(ParseBootTime("cpu 1\n").has_value());
}

TEST(ProcessMetrics, RendersThisProcess) {
  prometheus::Registry r;
  RegisterProcessMetrics(r, "1.2.3");
  std::string text = r.Render();
  EXPECT_NE(text.find("evoke_build_info{version=\"1.2.3\"} 1\n"), std::string::npos);
  EXPECT_EQ(text.find("process_resident_memory_bytes 0\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("process_start_time_seconds 0\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("process_open_fds 0\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace evoke::observe
