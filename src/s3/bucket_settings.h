// A bucket's settings kept in its record (policy, Block Public Access, Object Ownership, ACL):
// reading the record and storing one setting, for the actions that manage them
// (bucket_policy.cc, acl_actions.cc).
#pragma once

#include <functional>
#include <string>

#include "base/asio.h"
#include "base/result.h"
#include "s3/context.h"
#include "store/objects.h"

namespace evoke::s3 {

// The record of the request's bucket; NoSuchBucket when there is none.
Result<store::BucketRecord> ReadBucket(const Context& ctx);

// Stores one setting of the request's bucket (empty: none), after `check` (if any) passes
// against the bucket as the commit sees it; BucketAccess forgets the bucket once the commit is
// durable.
Task<Status> StoreBucketSetting(Context& ctx, store::BucketSetting setting, std::string value,
                                std::function<Status(const store::BucketRecord&)> check);

}  // namespace evoke::s3
