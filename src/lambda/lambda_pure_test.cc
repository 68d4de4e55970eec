// Unit tests for the pure parts of the Lambda module: configuration limits and their errors,
// function names, REPORT lines and concurrency accounting.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <archive.h>
#include <archive_entry.h>

#include "lambda/code_package.h"
#include "lambda/concurrency.h"
#include "lambda/function_config.h"
#include "lambda/function_json.h"

namespace evoke::lambda {
namespace {

using nlohmann::json;

json ValidCreate() {
  return json{{"FunctionName", "thumbnail"},
              {"Runtime", "python3.7"},
              {"Handler", "lambda_function.lambda_handler"},
              {"Role", "arn:aws:iam::123456789012:role/lambda-s3-role"},
              {"Code", {{"ZipFile", "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}}};
}

TEST(FunctionConfig, CreateWithDefaults) {
  auto r = ParseCreateFunction(ValidCreate());
  ASSERT_TRUE(r.ok()) << r.error().code << ": " << r.error().message;
  EXPECT_EQ(r->config.name, "thumbnail");
  EXPECT_EQ(r->config.memory_mb, 128);
  EXPECT_EQ(r->config.timeout_s, 3);
  EXPECT_EQ(r->config.ephemeral_storage_mb, 512);
  EXPECT_EQ(r->config.architecture, "x86_64");
  EXPECT_EQ(r->code.zip.size(), 22u);  // an empty zip archive
}

TEST(FunctionConfig, ModelConstraintsAreOneValidationException) {
  json body = ValidCreate();
  body["MemorySize"] = 64;
  body["Timeout"] = 901;
  auto r = ParseCreateFunction(body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ValidationException");
  EXPECT_EQ(r.error().message,
            "2 validation errors detected: Value '64' at 'memorySize' failed to satisfy "
            "constraint: Member must have value greater than or equal to 128; Value '901' at "
            "'timeout' failed to satisfy constraint: Member must have value less than or equal "
            "to 900");

  body = ValidCreate();
  body["Role"] = "not-an-arn";
  EXPECT_EQ(ParseCreateFunction(body).error().code, "ValidationException");
  body = ValidCreate();
  body.erase("Role");
  EXPECT_EQ(ParseCreateFunction(body).error().message,
            "1 validation error detected: Value null at 'role' failed to satisfy constraint: "
            "Member must not be null");
  body = ValidCreate();
  body["EphemeralStorage"] = {{"Size", 10241}};
  EXPECT_EQ(ParseCreateFunction(body).error().code, "ValidationException");
  body = ValidCreate();
  body["Handler"] = "has space";
  EXPECT_EQ(ParseCreateFunction(body).error().code, "ValidationException");
  body = ValidCreate();
  body["FunctionName"] = std::string(65, 'f');
  EXPECT_EQ(ParseCreateFunction(body).error().code, "ValidationException");
  body = ValidCreate();
  body["MemorySize"] = 10240;
  body["Timeout"] = 900;
  EXPECT_TRUE(ParseCreateFunction(body).ok());
}

TEST(FunctionConfig, LambdasOwnRulesAreInvalidParameterValue) {
  json body = ValidCreate();
  body["Runtime"] = "python2.7";
  EXPECT_EQ(ParseCreateFunction(body).error().code, "InvalidParameterValueException");
  body = ValidCreate();
  body["Environment"] = {{"Variables", {{"AWS_REGION", "x"}}}};
  auto r = ParseCreateFunction(body);
  EXPECT_EQ(r.error().code, "InvalidParameterValueException");
  EXPECT_NE(r.error().message.find("Reserved keys used in this request: AWS_REGION"),
            std::string::npos);
  body = ValidCreate();
  body["Environment"] = {{"Variables", {{"BIG", std::string(4096, 'x')}}}};
  EXPECT_NE(ParseCreateFunction(body).error().message.find("exceeded the 4KB limit"),
            std::string::npos);
  body = ValidCreate();
  body["Environment"] = {{"Variables", {{"1BAD", "x"}}}};
  EXPECT_EQ(ParseCreateFunction(body).error().code, "ValidationException");
  body = ValidCreate();
  body["Code"] = json::object();
  EXPECT_EQ(ParseCreateFunction(body).error().message,
            "Please provide a source for function code.");
  body = ValidCreate();
  body["Code"] = {{"S3Bucket", "code"}, {"S3Key", "thumbnail.zip"}};
  auto s3 = ParseCreateFunction(body);
  ASSERT_TRUE(s3.ok());
  EXPECT_EQ(s3->code.s3_key, "thumbnail.zip");
  body = ValidCreate();
  json layers = json::array();
  for (int i = 1; i <= 6; ++i) {
    layers.push_back("arn:aws:lambda:us-east-1:123456789012:layer:pillow:" + std::to_string(i));
  }
  body["Layers"] = layers;
  EXPECT_EQ(ParseCreateFunction(body).error().message, "Cannot reference more than 5 layers.");
  body = ValidCreate();
  body["MemorySize"] = "lots";
  EXPECT_EQ(ParseCreateFunction(body).error().code, "InvalidRequestContentException");
}

TEST(FunctionConfig, UpdateKeepsWhatIsNotNamed) {
  auto created = ParseCreateFunction(ValidCreate());
  ASSERT_TRUE(created.ok());
  FunctionConfig c = created->config;
  ASSERT_TRUE(ApplyConfigurationUpdate(json{{"MemorySize", 256}, {"Description", "resized"}}, c)
                  .ok());
  EXPECT_EQ(c.memory_mb, 256);
  EXPECT_EQ(c.description, "resized");
  EXPECT_EQ(c.handler, "lambda_function.lambda_handler");
  // A failed update changes nothing.
  EXPECT_FALSE(ApplyConfigurationUpdate(json{{"MemorySize", 512}, {"Timeout", 0}}, c).ok());
  EXPECT_EQ(c.memory_mb, 256);
}

TEST(FunctionConfig, FunctionNames) {
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(*ParseFunctionName("thumbnail"), P("thumbnail", ""));
  EXPECT_EQ(*ParseFunctionName("thumbnail:$LATEST"), P("thumbnail", "$LATEST"));
  EXPECT_EQ(*ParseFunctionName("123456789012:function:thumbnail"), P("thumbnail", ""));
  EXPECT_EQ(*ParseFunctionName("arn:aws:lambda:us-east-1:123456789012:function:thumb-nail_2:7"),
            P("thumb-nail_2", "7"));
  EXPECT_EQ(ParseFunctionName("").error().code, "ValidationException");
  EXPECT_EQ(ParseFunctionName("bad name").error().code, "ValidationException");
  EXPECT_EQ(ParseFunctionName(std::string(141, 'f')).error().code, "ValidationException");
}

TEST(Concurrency, AccountPoolAndReservations) {
  ConcurrencyLimits limits(20);  // 2 must stay unreserved
  EXPECT_EQ(limits.UnreservedConcurrentExecutions(), 20);
  ASSERT_TRUE(limits.SetReserved("a", 3).ok());
  EXPECT_EQ(limits.UnreservedConcurrentExecutions(), 17);
  EXPECT_EQ(limits.SetReserved("b", 16).error().code, "InvalidParameterValueException");
  ASSERT_TRUE(limits.SetReserved("b", 15).ok());
  EXPECT_EQ(limits.UnreservedConcurrentExecutions(), 2);

  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limits.Acquire("a").ok());
  auto throttled = limits.Acquire("a");
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.error().code, "TooManyRequestsException");
  EXPECT_EQ(throttled.error().details.at(0).second,
            "ReservedFunctionConcurrentInvocationLimitExceeded");
  limits.Release("a");
  EXPECT_TRUE(limits.Acquire("a").ok());

  // Unreserved functions share what is left: 2.
  ASSERT_TRUE(limits.Acquire("c").ok());
  ASSERT_TRUE(limits.Acquire("d").ok());
  EXPECT_EQ(limits.Acquire("c").error().details.at(0).second,
            "ConcurrentInvocationLimitExceeded");
  limits.Release("d");
  EXPECT_TRUE(limits.Acquire("c").ok());
  EXPECT_EQ(limits.InFlight("c"), 2);

  // Reserving 0 stops a function; removing the reservation returns it to the pool.
  ASSERT_TRUE(limits.SetReserved("b", 0).ok());
  EXPECT_FALSE(limits.Acquire("b").ok());
  ASSERT_TRUE(limits.SetReserved("b", std::nullopt).ok());
  EXPECT_EQ(limits.UnreservedConcurrentExecutions(), 17);
  limits.Forget("a");
  EXPECT_EQ(limits.UnreservedConcurrentExecutions(), 20);
  EXPECT_EQ(limits.InFlight("a"), 0);
}

// A zip in memory with the given entries: (path, content), or (path, "->target") for a link.
std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::vector<char> buf(1 << 20);
  size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_open_memory(a, buf.data(), buf.size(), &used);
  for (const auto& [path, content] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, path.c_str());
    if (content.starts_with("->")) {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, content.substr(2).c_str());
      archive_entry_set_perm(e, 0777);
      archive_write_header(a, e);
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
      archive_write_header(a, e);
      archive_write_data(a, content.data(), content.size());
    }
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buf.data(), used);
}

TEST(CodePackage, AcceptsAPackageAndRefusesEscapes) {
  auto ok = InspectZip(MakeZip({{"lambda_function.py", "def lambda_handler(e, c):\n  return 1\n"},
                                {"lib/helper.py", "x = 1\n"},
                                {"lib/link.py", "->helper.py"}}));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->entries, 3u);
  for (const auto& bad : std::vector<std::pair<std::string, std::string>>{
           {"../evil.py", "x"}, {"/etc/evil", "x"}, {"a/../../evil", "x"},
           {"link", "->/etc/passwd"}, {"sub/link", "->../../outside"}}) {
    auto r = InspectZip(MakeZip({bad}));
    ASSERT_FALSE(r.ok()) << bad.first;
    EXPECT_EQ(r.error().code, "InvalidParameterValueException");
    EXPECT_EQ(r.error().message,
              "Could not unzip uploaded file. Please check your file, then try to upload again.");
  }
  EXPECT_FALSE(InspectZip("not a zip at all").ok());
}

TEST(CodePackage, RefusesAPackageWhoseDataDoesNotUnzip) {
  // Headers intact, one byte of the entry's data spoiled: refused on upload, not at Invoke.
  std::string zip = MakeZip({{"lambda_function.py", std::string(4000, 'x') + "def f(): pass\n"}});
  ASSERT_TRUE(InspectZip(zip).ok());
  zip[30 + std::string("lambda_function.py").size() + 3] ^= 0x5a;
  auto r = InspectZip(zip);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidParameterValueException");
}

TEST(FunctionJson, StoredConfigRoundTripAndConfiguration) {
  auto created = ParseCreateFunction(ValidCreate());
  ASSERT_TRUE(created.ok());
  FunctionConfig c = created->config;
  c.environment = {{"BUCKET", "images-1"}};
  auto back = ParseStoredConfig(SerializeConfig(c));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->environment, c.environment);
  EXPECT_EQ(back->handler, c.handler);
  store::FunctionRecord record{"thumbnail", "", "blob", "c2hh", 123, "rev", 1565821571234};
  json j = ConfigurationJson({"us-east-1", "123456789012"}, record, *back);
  EXPECT_EQ(j["FunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:thumbnail");
  EXPECT_EQ(j["LastModified"], "2019-08-14T22:26:11.234+0000");
  EXPECT_EQ(j["Environment"]["Variables"]["BUCKET"], "images-1");
  EXPECT_EQ(j["CodeSize"], 123);
  EXPECT_EQ(j["Version"], "$LATEST");
}

}  // namespace
}  // namespace evoke::lambda
