#include "iam/sessions.h"

#include <string>

#include <gtest/gtest.h>

#include "base/seal.h"

namespace evoke::iam {
namespace {

const std::string kKey(kSealKeyBytes, 'k');

auth::Principal Role() {
  auth::Principal p;
  p.anonymous = false;
  p.kind = auth::Principal::Kind::kAssumedRole;
  p.account_id = "000000000000";
  p.arn = "arn:aws:sts::000000000000:assumed-role/reader/s1";
  p.name = "reader";
  p.user_id = "AROAEXAMPLE:s1";
  p.role_arn = "arn:aws:iam::000000000000:role/reader";
  p.session_policy = R"({"Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]})";
  return p;
}

TEST(Seal, OpensOnlyWhatWasSealedUnderTheSameKeyAndAssociatedData) {
  std::string sealed = Seal(kKey, "hello", "ad");
  EXPECT_EQ(Open(kKey, sealed, "ad"), "hello");
  EXPECT_EQ(Open(kKey, sealed, "other"), std::nullopt);
  EXPECT_EQ(Open(std::string(kSealKeyBytes, 'x'), sealed, "ad"), std::nullopt);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string changed = sealed;
    changed[i] ^= 1;
    EXPECT_EQ(Open(kKey, changed, "ad"), std::nullopt) << "byte " << i;
  }
  EXPECT_EQ(Open(kKey, sealed.substr(0, 27), "ad"), std::nullopt);
  EXPECT_EQ(Open(kKey, "", "ad"), std::nullopt);
  EXPECT_NE(Seal(kKey, "hello", "ad"), sealed);  // a fresh nonce each time
}

TEST(Sessions, ATokenOpensToTheSessionItWasIssuedFor) {
  Sessions sessions(kKey);
  auth::Credential issued = sessions.Issue(Role(), 1'800'000'000'000);
  EXPECT_EQ(issued.access_key_id.substr(0, 4), "ASIA");
  EXPECT_EQ(issued.access_key_id.size(), 20u);
  EXPECT_EQ(issued.secret_access_key.size(), 40u);
  auto opened = sessions.Open(issued.access_key_id, issued.session_token);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->secret_access_key, issued.secret_access_key);
  EXPECT_EQ(opened->expires_ms, 1'800'000'000'000);
  EXPECT_EQ(opened->principal.arn, Role().arn);
  EXPECT_EQ(opened->principal.kind, auth::Principal::Kind::kAssumedRole);
  EXPECT_EQ(opened->principal.user_id, "AROAEXAMPLE:s1");
  EXPECT_EQ(opened->principal.role_arn, Role().role_arn);
  EXPECT_EQ(opened->principal.session_policy, Role().session_policy);
}

TEST(Sessions, ForgedTokensAndOtherKeysAreRefused) {
  Sessions sessions(kKey);
  auth::Credential a = sessions.Issue(Role(), 1'800'000'000'000);
  auth::Credential b = sessions.Issue(Role(), 1'800'000'000'000);
  EXPECT_NE(a.access_key_id, b.access_key_id);
  EXPECT_NE(a.secret_access_key, b.secret_access_key);
  // Another session's key id with this token.
  EXPECT_EQ(sessions.Open(b.access_key_id, a.session_token).error().code, "InvalidToken");
  // A changed character anywhere in the token.
  for (size_t i = 0; i < a.session_token.size(); i += 7) {
    std::string forged = a.session_token;
    forged[i] = forged[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(sessions.Open(a.access_key_id, forged).ok()) << "position " << i;
  }
  EXPECT_FALSE(sessions.Open(a.access_key_id, "").ok());
  EXPECT_FALSE(sessions.Open(a.access_key_id, "EvokeSession1.").ok());
  EXPECT_FALSE(sessions.Open(a.access_key_id, "EvokeSession1.!!!!").ok());
  EXPECT_FALSE(sessions.Open(a.access_key_id, std::string(kMaxSessionTokenChars + 1, 'A')).ok());
  // A server with another key opens none of them.
  Sessions other(std::string(kSealKeyBytes, 'o'));
  EXPECT_EQ(other.Open(a.access_key_id, a.session_token).error().code, "InvalidToken");
}

}  // namespace
}  // namespace evoke::iam
