#include "api/cbor_codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>

#include "base/encoding.h"

namespace evoke::api {
namespace {

using nlohmann::json;

#include "api/cbor_codec_test_fixtures.inc"

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out += static_cast<char>(b);
  return out;
}

std::string DecodeError(std::string_view body) {
  auto r = DecodeCborInput(body);
  return r.ok() ? "ok" : r.error().code;
}

// {"$timestamp": s} in a golden input stands for CborTimestamp(s).
json WithTimestamps(const json& doc) {
  if (doc.is_object() && doc.size() == 1 && doc.contains("$timestamp")) {
    return CborTimestamp(doc["$timestamp"].get<double>());
  }
  json out = doc;
  if (doc.is_structured()) {
    for (auto it = out.begin(); it != out.end(); ++it) *it = WithTimestamps(*it);
  }
  return out;
}

// Every request botocore's RpcV2CBORSerializer produced (tests/codecs/record_requests.py).
TEST(CborCodec, DecodesBotocoreRequests) {
  for (const auto& f : kCborRequests) {
    SCOPED_TRACE(f.name);
    auto body = Base64Decode(f.body_base64);
    ASSERT_TRUE(body.has_value());
    auto r = DecodeCborInput(*body);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, json::parse(f.expected));
  }
}

TEST(CborCodec, BotocoreTimestampIsTagOneOverIntegerSeconds) {
  // PutMetricData's Timestamp as botocore sends it: c1 1a 66 32 35 d7 (tag 1, 1714566615).
  const CborRequestFixture* put = nullptr;
  for (const auto& f : kCborRequests) {
    if (std::string_view(f.name) == "smithy-rpc-v2-cbor-cloudwatch-PutMetricData") put = &f;
  }
  ASSERT_NE(put, nullptr);
  std::string body = *Base64Decode(put->body_base64);
  EXPECT_NE(body.find(Bytes({0xc1, 0x1a, 0x66, 0x32, 0x35, 0xd7})), std::string::npos);
  auto r = DecodeCborInput(body);
  ASSERT_TRUE(r.ok());
  const json& ts = (*r)["MetricData"][0]["Timestamp"];
  EXPECT_TRUE(ts.is_number_unsigned());
  EXPECT_EQ(ts.get<uint64_t>(), 1714566615u);
}

TEST(CborCodec, DecodesScalars) {
  EXPECT_EQ(*DecodeCborInput(""), json::object());
  EXPECT_EQ(*DecodeCborInput(Bytes({0xa0})), json::object());
  // {"a": -1, "b": h'0102', "c": 1.5 (half), "d": null, "e": true, "f": tag 1 over 1.5 double}
  auto r = DecodeCborInput(Bytes({0xa6, 0x61, 'a',  0x20, 0x61, 'b',  0x42, 1,   2,    0x61, 'c',
                                  0xf9, 0x3e, 0x00, 0x61, 'd',  0xf6, 0x61, 'e', 0xf5, 0x61, 'f',
                                  0xc1, 0xfb, 0x3f, 0xf8, 0,    0,    0,    0,   0,    0}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["a"], -1);
  ASSERT_TRUE((*r)["b"].is_binary());
  EXPECT_EQ((*r)["b"].get_binary(), std::vector<uint8_t>({1, 2}));
  EXPECT_FALSE((*r)["b"].get_binary().has_subtype());
  EXPECT_EQ((*r)["c"], 1.5);
  EXPECT_TRUE((*r)["d"].is_null());
  EXPECT_EQ((*r)["e"], true);
  EXPECT_EQ((*r)["f"], 1.5);
  // Indefinite-length map, array and chunked text string.
  r = DecodeCborInput(
      Bytes({0xbf, 0x61, 'l', 0x9f, 0x01, 0x7f, 0x61, 'x', 0x62, 'y', 'z', 0xff, 0xff, 0xff}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, json::parse(R"({"l": [1, "xyz"]})"));
}

TEST(CborCodec, RejectsMalformedInput) {
  EXPECT_EQ(DecodeError(Bytes({0x80})), "SerializationException");        // an array
  EXPECT_EQ(DecodeError(Bytes({0x61, 'a'})), "SerializationException");   // a string
  EXPECT_EQ(DecodeError(Bytes({0xa1, 0x61})), "SerializationException");  // truncated
  EXPECT_EQ(DecodeError(Bytes({0xa1, 0x61, 'a'})), "SerializationException");
  EXPECT_EQ(DecodeError(Bytes({0xa0, 0x00})), "SerializationException");        // trailing byte
  EXPECT_EQ(DecodeError(Bytes({0xa1, 0x01, 0x01})), "SerializationException");  // int key
  EXPECT_EQ(DecodeError(Bytes({0xa1, 0x61, 'a', 0xf7})), "SerializationException");  // undefined
  EXPECT_EQ(DecodeError(Bytes({0xa1, 0x61, 'a', 0x62, 0xc3, 0x28})), "SerializationException");
  EXPECT_EQ(DecodeError(Bytes({0xa1, 0x61, 'a', 0x1c})), "SerializationException");  // info 28
  EXPECT_EQ(DecodeError(Bytes({0xbf, 0x61, 'a', 0x01})), "SerializationException");  // no break
  EXPECT_EQ(DecodeError(Bytes({0xff})), "SerializationException");
  // Lengths far beyond the body are refused before anything is allocated.
  EXPECT_EQ(DecodeError(Bytes({0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})),
            "SerializationException");
  EXPECT_EQ(
      DecodeError(Bytes({0xa1, 0x61, 'a', 0x9b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})),
      "SerializationException");
  EXPECT_EQ(DecodeError(Bytes({0xa1, 0x61, 'a', 0x7a, 0xff, 0xff, 0xff, 0xff})),
            "SerializationException");
  // A chunk of another major type inside an indefinite text string.
  EXPECT_EQ(DecodeError(Bytes({0xa1, 0x61, 'a', 0x7f, 0x41, 'x', 0xff})), "SerializationException");
}

TEST(CborCodec, LimitsDepth) {
  // {"a": [[[...]]]} with the top map at depth 1.
  auto nested = [](int arrays, int tags) {
    std::string body = Bytes({0xa1, 0x61, 'a'});
    for (int i = 0; i < tags; ++i) body += static_cast<char>(0xc1);
    for (int i = 0; i < arrays; ++i) body += static_cast<char>(0x81);
    body += static_cast<char>(0x00);
    return body;
  };
  EXPECT_TRUE(DecodeCborInput(nested(kMaxCborDepth - 1, 0)).ok());
  EXPECT_EQ(DecodeError(nested(kMaxCborDepth, 0)), "SerializationException");
  EXPECT_EQ(DecodeError(nested(0, kMaxCborDepth)), "SerializationException");  // tags count
  // Far past any stack: refused by the pre-scan, not by a crash in the parser.
  EXPECT_EQ(DecodeError(nested(1'000'000, 0)), "SerializationException");
  std::string indefinite = Bytes({0xa1, 0x61, 'a'}) + std::string(1'000'000, '\x9f');
  EXPECT_EQ(DecodeError(indefinite), "SerializationException");
}

TEST(CborCodec, EncodesShortestIntegersAndDoubles) {
  EXPECT_EQ(EncodeCborOutput(json::object()), Bytes({0xa0}));
  EXPECT_EQ(EncodeCborOutput({{"a", 23}}), Bytes({0xa1, 0x61, 'a', 0x17}));
  EXPECT_EQ(EncodeCborOutput({{"a", 24}}), Bytes({0xa1, 0x61, 'a', 0x18, 0x18}));
  EXPECT_EQ(EncodeCborOutput({{"a", 256}}), Bytes({0xa1, 0x61, 'a', 0x19, 0x01, 0x00}));
  EXPECT_EQ(EncodeCborOutput({{"a", -1}}), Bytes({0xa1, 0x61, 'a', 0x20}));
  EXPECT_EQ(EncodeCborOutput({{"a", -500}}), Bytes({0xa1, 0x61, 'a', 0x39, 0x01, 0xf3}));
  EXPECT_EQ(EncodeCborOutput({{"a", 4294967296ull}}),
            Bytes({0xa1, 0x61, 'a', 0x1b, 0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(EncodeCborOutput({{"a", 1.5}}),
            Bytes({0xa1, 0x61, 'a', 0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(EncodeCborOutput({{"a", true}, {"b", false}, {"n", nullptr}}),
            Bytes({0xa2, 0x61, 'a', 0xf5, 0x61, 'b', 0xf4}));  // the null member is left out
  EXPECT_EQ(EncodeCborOutput({{"l", {1, nullptr}}}), Bytes({0xa1, 0x61, 'l', 0x82, 0x01, 0xf6}));
  EXPECT_EQ(EncodeCborOutput({{"b", json::binary({1, 2})}}), Bytes({0xa1, 0x61, 'b', 0x42, 1, 2}));
  std::string long_text(300, 'x');
  EXPECT_EQ(EncodeCborOutput({{"s", long_text}}),
            Bytes({0xa1, 0x61, 's', 0x79, 0x01, 0x2c}) + long_text);
}

TEST(CborCodec, EncodesTimestampsAsTagOne) {
  EXPECT_EQ(EncodeCborOutput({{"t", CborTimestamp(1714566615.5)}}),
            Bytes({0xa1, 0x61, 't', 0xc1, 0xfb, 0x41, 0xd9, 0x8c, 0x8d, 0x75, 0xe0, 0, 0}));
  // And they decode back to the number.
  auto r = DecodeCborInput(EncodeCborOutput({{"t", CborTimestamp(1714566615.5)}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["t"], 1714566615.5);
}

TEST(CborCodec, RoundTrips) {
  json doc = json::parse(R"({"s": "gr\u00fc\u00dfe", "i": -42, "u": 18446744073709551615,
                             "f": 0.1, "l": [[], {}, ["x"]], "m": {"k": {"n": false}}})");
  auto r = DecodeCborInput(EncodeCborOutput(doc));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, doc);
  EXPECT_EQ(json::from_cbor(EncodeCborOutput(doc)), doc);  // nlohmann's reader agrees
}

TEST(CborCodec, EncodesErrors) {
  EXPECT_EQ(json::from_cbor(EncodeCborError(MakeError("ResourceNotFound", "no alarm x"))),
            json({{"__type", "ResourceNotFound"}, {"message", "no alarm x"}}));
  EXPECT_EQ(json::from_cbor(EncodeCborError(MakeError("LimitExceeded", "").With("Hint", "h"))),
            json({{"__type", "LimitExceeded"}, {"message", ""}, {"Hint", "h"}}));
}

// The golden responses of tests/codecs/responses/, which botocore's RpcV2CBORParser reads
// (tests/codecs/test_codec_golden.py).
TEST(CborCodec, EncodesGoldenResponses) {
  for (const auto& f : kCborResponses) {
    SCOPED_TRACE(f.name);
    json input = json::parse(f.input);
    std::string body = input.contains("code")
                           ? EncodeCborError(MakeError(input["code"].get<std::string>(),
                                                       input["message"].get<std::string>()))
                           : EncodeCborOutput(WithTimestamps(input));
    EXPECT_EQ(Base64Encode(body), f.body) << "GOLDEN " << f.name << " " << Base64Encode(body);
  }
}

}  // namespace
}  // namespace evoke::api
