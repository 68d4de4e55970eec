#include "base/pattern.h"

#include <gtest/gtest.h>

#include <string>

namespace evoke {
namespace {

TEST(PatternTest, MatchesTheWholeString) {
  EXPECT_TRUE(FullMatch("index.handler", "[^\\s]+"));
  EXPECT_FALSE(FullMatch("index handler", "[^\\s]+"));
  EXPECT_FALSE(FullMatch("", "[^\\s]+"));
  EXPECT_TRUE(FullMatch("", "[0-9A-Za-z.\\-_]*"));
}

TEST(PatternTest, AcceptsTheModelsCharacterClassesWithTrailingHyphens) {
  // Lambda's models write classes such as [a-zA-Z0-9-_] and [a-z0-9-.]: the hyphen is literal.
  EXPECT_TRUE(FullMatch("my-layer_1", "[a-zA-Z0-9-_]+"));
  EXPECT_TRUE(FullMatch("sid.1-a_b", "^[a-zA-Z0-9-_.]{1,100}$"));
  EXPECT_FALSE(FullMatch("a/b", "[a-zA-Z0-9-_]+"));
  EXPECT_TRUE(FullMatch("arn:aws:sqs:us-east-1:123456789012:dlq",
                        "(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()"));
}

TEST(PatternTest, GroupsReportsCapturesAndEmptyForGroupsThatDidNotTakePart) {
  Pattern p("(arn:aws:lambda:)?([a-z]+)(:(\\$LATEST|[0-9]+))?");
  auto m = p.Groups("fn:$LATEST");
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)[1], "");
  EXPECT_EQ((*m)[2], "fn");
  EXPECT_EQ((*m)[4], "$LATEST");
  EXPECT_FALSE(p.Groups("Fn"));
}

TEST(PatternTest, AVeryLongValueIsMatchedWithoutExhaustingTheStack) {
  // std::regex recursed once per character here and overflowed the stack at ~70 000 characters.
  std::string value(2'000'000, 'h');
  EXPECT_TRUE(FullMatch(value, "[^\\s]+"));
  EXPECT_TRUE(FullMatch(value, "^(lambda:[*]|lambda:[a-zA-Z]+|[*]|[a-z]+)$"));
  value.back() = ' ';
  EXPECT_FALSE(FullMatch(value, "[^\\s]+"));
  EXPECT_FALSE(FullMatch(value, "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"));
}

}  // namespace
}  // namespace evoke
