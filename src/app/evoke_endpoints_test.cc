#include "app/evoke_endpoints.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/config.h"
#include "app/front_door.h"

namespace evoke::app {
namespace {

TEST(EvokeEndpoints, BearerToken) {
  EXPECT_TRUE(BearerMatches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(BearerMatches("bearer  s3cret ", "s3cret"));
  EXPECT_FALSE(BearerMatches(std::nullopt, "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer s3cre", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer s3cretX", "s3cret"));
  EXPECT_FALSE(BearerMatches("Basic czNjcmV0", "s3cret"));
  EXPECT_FALSE(BearerMatches("s3cret", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer ", ""));  // no token configured never matches
}

TEST(EvokeEndpoints, TokenFile) {
  auto dir = std::filesystem::temp_directory_path() /
             ("evoke-token-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  auto ok = ReadMetricsToken(write("ok", "  abc123\n"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "abc123");
  EXPECT_FALSE(ReadMetricsToken(write("empty", "\n")).ok());
  EXPECT_FALSE(ReadMetricsToken(write("two", "a\nb\n")).ok());
  EXPECT_FALSE(ReadMetricsToken((dir / "missing").string()).ok());
  std::filesystem::remove_all(dir);
}

TEST(EvokeEndpoints, TokenFileOption) {
  auto cmd = ParseCommandLine({"server", "--metrics-token-file", "/etc/evoke/token"});
  ASSERT_TRUE(cmd.ok());
  EXPECT_EQ(cmd->server.metrics_token_file, "/etc/evoke/token");
  EXPECT_FALSE(ParseCommandLine({"server", "--metrics-token-file="}).ok());
  EXPECT_NE(UsageText().find("--metrics-token-file"), std::string::npos);
}

TEST(EvokeEndpoints, FrontDoorRoutesEvokePathsHere) {
  http::Request req;
  req.method = "GET";
  req.path = "/_evoke/metrics";
  EXPECT_EQ(ServiceOf(req), "evoke");
  // Prometheus's bearer token is no SigV4 credential scope: the path still decides.
  req.headers.Add("Authorization", "Bearer abc");
  EXPECT_EQ(ServiceOf(req), "evoke");
}

}  // namespace
}  // namespace evoke::app
