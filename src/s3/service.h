// S3Service: the S3 REST-XML API. Authenticates each request (SigV4), finds its action in the
// dispatch table, runs it, and renders S3's XML errors. Called on I/O threads; holds no
// per-request state.
#pragma once

#include <string>
#include <vector>

#include "auth/verifier.h"
#include "base/asio.h"
#include "base/clock.h"
#include "http/exchange.h"
#include "s3/object_events.h"
#include "store/blobs.h"
#include "store/committer.h"
#include "store/database.h"

namespace evoke::s3 {

struct S3Options {
  std::string region = "us-east-1";
  // Host names under which buckets are virtual hosts: "localhost" makes photos.localhost the
  // bucket "photos".
  std::vector<std::string> domains = {"localhost"};
  std::string owner_id;            // canonical user id, 64 hex digits
  std::string owner_display_name;
};

struct S3Dependencies {
  store::Database& db;
  store::BlobStore& blobs;
  store::Committer& committer;
  auth::Verifier& verifier;
  const Clock& clock;
  NotificationSink* notifications = nullptr;  // where notification rules send object events
};

class S3Service {
 public:
  S3Service(S3Options options, S3Dependencies deps);
  Task<void> Handle(http::Exchange& exchange);
  // An S3 error response (XML body, request id headers).
  http::Response ErrorResponse(const Error& error, std::string_view resource,
                               const std::string& request_id) const;

 private:
  S3Options options_;
  S3Dependencies deps_;
};

}  // namespace evoke::s3
