// Access control lists and Object Ownership (docs/identity.md, "ACLs"): the canned ACLs, the
// x-amz-grant-* headers and the AccessControlPolicy document, each read into one form (a list of
// grants), kept compactly with the bucket or the object, written back as S3 writes it, and turned
// into policy statements for the authorize stage. Pure.
//
// evoke has one account, so a grant to a canonical user can only name the owner (whose access
// IAM decides, as on AWS); the grants that give anyone anything are those to the AllUsers and
// AuthenticatedUsers groups: the public ones.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/message.h"

namespace evoke::s3 {

// A bucket's Object Ownership setting. A bucket with none (created before April 2023, or after
// DeleteBucketOwnershipControls) behaves as ObjectWriter.
enum class Ownership { kBucketOwnerEnforced, kBucketOwnerPreferred, kObjectWriter };
std::optional<Ownership> ParseOwnership(std::string_view name);
std::string_view OwnershipName(Ownership ownership);

enum class Permission { kRead, kWrite, kReadAcp, kWriteAcp, kFullControl };

struct Grant {
  enum class Grantee {
    kOwner,               // the account's canonical user
    kAllUsers,            // http://acs.amazonaws.com/groups/global/AllUsers
    kAuthenticatedUsers,  // http://acs.amazonaws.com/groups/global/AuthenticatedUsers
    kLogDelivery,         // http://acs.amazonaws.com/groups/s3/LogDelivery
    kEc2,                 // the canonical user aws-exec-read names (grants nothing in evoke)
  };
  Grantee grantee;
  Permission permission;
  bool operator==(const Grant&) const = default;
};
using Acl = std::vector<Grant>;

// The owner's FULL_CONTROL and nothing else: what every bucket and object has by default.
Acl PrivateAcl();
// Whether `acl` grants only the owner, and FULL_CONTROL (what a bucket with ACLs disabled
// accepts: "bucket-owner-full-control" or its XML form).
bool IsOwnerFullControlOnly(const Acl& acl);
// Whether `acl` grants anything to AllUsers or AuthenticatedUsers (S3's "public" ACL).
bool IsPublicAcl(const Acl& acl);

// The ACL a request's x-amz-acl or x-amz-grant-* headers set; nullopt when it has neither.
// Errors as S3 answers them: InvalidArgument (unknown canned ACL, a grantee id that is not the
// owner's, an unknown group), InvalidRequest (a canned ACL and grant headers together),
// UnresolvableGrantByEmailAddress.
Result<std::optional<Acl>> AclOfHeaders(const http::Headers& headers, std::string_view owner_id);
// Whether the request carries x-amz-acl or x-amz-grant-* headers at all.
bool HasAclHeaders(const http::Headers& headers);
// An AccessControlPolicy document (PutBucketAcl, PutObjectAcl): MalformedACLError when it is not
// one, InvalidArgument for grantees as above.
Result<Acl> ParseAclXml(std::string_view xml, std::string_view owner_id);
// The AccessControlPolicy document of GetBucketAcl and GetObjectAcl.
std::string AclXml(const Acl& acl, std::string_view owner_id, std::string_view display_name);

// The stored form ("" for PrivateAcl(), else "grantee:permission" items separated by commas),
// and back; a stored form that does not read back gives no grants at all.
std::string EncodeAcl(const Acl& acl);
Acl DecodeAcl(std::string_view stored);

// A resource policy (JSON) that allows what the public grants of `acl` allow: for a bucket's
// ACL, listing (READ), writing and deleting its objects (WRITE) and its ACL (READ_ACP,
// WRITE_ACP); for an object's, reading it (READ) and its ACL. Resource "*": the policy is only
// ever asked about the bucket or object it came from. Empty when the ACL grants nothing public.
std::string AclPolicyJson(const Acl& acl, bool object);

// Where an object's ACL is kept among its stored headers (never sent back as a header).
inline constexpr std::string_view kAclHeader = "x-amz-acl";

}  // namespace evoke::s3
