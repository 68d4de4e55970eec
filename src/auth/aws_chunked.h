// AwsChunkedDecoder: decodes an aws-chunked request body (Content-Encoding: aws-chunked) fed
// in arbitrary pieces, verifying every chunk signature and the trailer signature when the
// payload mode carries them, and collecting the trailing headers. Pure; one per request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/sigv4.h"
#include "base/hash.h"
#include "base/result.h"
#include "http/message.h"

namespace evoke::auth {

struct ChunkSigning {
  std::string signing_key;     // raw key bytes
  std::string amz_date;
  std::string scope;
  std::string seed_signature;  // the request's own signature
};

class AwsChunkedDecoder {
 public:
  // `signing` is used only when the mode carries signatures.
  AwsChunkedDecoder(PayloadMode mode, ChunkSigning signing);

  // Decodes `in`, appending payload bytes to `out`. Errors: SignatureDoesNotMatch for a bad
  // chunk or trailer signature, IncompleteBody / InvalidRequest for broken framing.
  Status Feed(std::string_view in, std::string* out);
  // Call when the raw body has ended; fails unless the final chunk and trailers were read.
  Status Finish() const;

  bool done() const { return state_ == State::kDone; }
  uint64_t decoded_bytes() const { return decoded_; }
  // Trailing headers (x-amz-checksum-*), names lower case; empty without trailers.
  const http::Headers& trailers() const { return trailers_; }

 private:
  enum class State { kSizeLine, kData, kDataEnd, kTrailerLine, kDone };

  Status OnSizeLine(std::string_view line);
  Status OnChunkEnd();
  Status OnTrailerLine(std::string_view line);

  PayloadMode mode_;
  ChunkSigning signing_;
  State state_ = State::kSizeLine;
  std::string line_;            // a header or trailer line being assembled
  uint64_t chunk_left_ = 0;
  uint64_t chunk_size_ = 0;
  std::string chunk_signature_; // claimed signature of the current chunk
  std::string previous_signature_;
  Digest chunk_hash_{Digest::Kind::kSha256};
  std::string trailer_canonical_;
  std::string trailer_signature_;
  http::Headers trailers_;
  uint64_t decoded_ = 0;
  bool final_chunk_ = false;
};

}  // namespace evoke::auth
