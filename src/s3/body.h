// BodyReader: an S3 request body, decoded (aws-chunked) and verified as it streams: the
// signed SHA-256, chunk and trailer signatures, Content-MD5 and x-amz-checksum-*. One per
// request, used on the request's thread; from 1 MiB on, the MD5 and checksum of the payload are
// computed on the shared hashing pool, overlapping with the rest.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/aws_chunked.h"
#include "auth/verifier.h"
#include "base/asio.h"
#include "base/hash.h"
#include "base/result.h"
#include "base/worker_pool.h"
#include "http/exchange.h"
#include "s3/checksum.h"

namespace evoke::s3 {

class BodyReader {
 public:
  // `hashing`: the pool that hashes large bodies (none: the request's own thread does).
  BodyReader(http::Exchange& exchange, const auth::Verified& auth, WorkerPool* hashing);
  ~BodyReader();

  // Checks the body's headers before any byte is read: Content-MD5 and checksum header forms
  // (InvalidDigest, InvalidRequest), and the decoded length of aws-chunked bodies.
  Status Prepare();
  // The length of the payload when the request announces it.
  std::optional<uint64_t> expected_length() const { return expected_length_; }

  // The next piece of the payload; empty at the end. Valid until the next call.
  Task<Result<std::string_view>> Next();
  // Reads the whole payload; MaxMessageLengthExceeded past `limit` bytes.
  Task<Result<std::string>> ReadAll(size_t limit);
  // After the last piece: every verification that needs the whole body (BadDigest,
  // XAmzContentSHA256Mismatch, IncompleteBody).
  Status Finish();

  uint64_t bytes() const { return bytes_; }
  std::string md5_hex() const { return md5_hex_; }
  // The checksum the client asked for (header, trailer or x-amz-sdk-checksum-algorithm) and
  // its verified value, after Finish().
  std::optional<ChecksumAlgorithm> checksum_algorithm() const { return checksum_algorithm_; }
  const std::string& checksum_base64() const { return checksum_value_; }

 private:
  class HashWorker;

  http::Exchange& exchange_;
  const auth::Verified& auth_;
  WorkerPool* hashing_;
  std::unique_ptr<auth::AwsChunkedDecoder> decoder_;
  std::optional<uint64_t> expected_length_;
  std::unique_ptr<char[]> raw_[2];  // raw bytes from the connection; [1] only with worker_
  std::string decoded_[2];          // aws-chunked output, likewise
  int current_ = 0;                 // the buffers of the piece Next() returned last
  Digest md5_{Digest::Kind::kMd5};
  std::unique_ptr<Digest> sha256_;  // signed payloads only
  std::optional<std::string> content_md5_;  // raw 16 bytes
  std::optional<ChecksumAlgorithm> checksum_algorithm_;
  std::optional<std::string> claimed_checksum_;  // from a header; a trailer is read at the end
  bool checksum_in_trailer_ = false;
  std::unique_ptr<Checksummer> checksummer_;
  std::string md5_hex_;
  std::string checksum_value_;
  uint64_t bytes_ = 0;
  bool ended_ = false;
  // Hashes md5_ and checksummer_ for large bodies. Declared last, so destroyed first: it may
  // be using the buffers and digests above until then.
  std::unique_ptr<HashWorker> worker_;
};

// A small request body (an XML document), whole and verified: Prepare, ReadAll and Finish.
// MaxMessageLengthExceeded past `limit` bytes.
Task<Result<std::string>> ReadDocument(http::Exchange& exchange, const auth::Verified& auth,
                                       size_t limit);

}  // namespace evoke::s3
