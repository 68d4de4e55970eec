#include "auth/aws_chunked.h"

#include <algorithm>

#include "base/encoding.h"

namespace evoke::auth {
namespace {

constexpr size_t kMaxLine = 4096;

Error Framing(std::string detail) {
  return MakeError("InvalidRequest", "Invalid aws-chunked body: " + std::move(detail));
}

Error BadSignature() {
  return MakeError("SignatureDoesNotMatch",
                   "The request signature we calculated does not match the signature you "
                   "provided. Check your key and signing method.");
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

AwsChunkedDecoder::AwsChunkedDecoder(PayloadMode mode, ChunkSigning signing)
    : mode_(mode), signing_(std::move(signing)), previous_signature_(signing_.seed_signature) {}

Status AwsChunkedDecoder::Feed(std::string_view in, std::string* out) {
  while (!in.empty()) {
    switch (state_) {
      case State::kSizeLine:
      case State::kTrailerLine:
      case State::kDataEnd: {
        size_t nl = in.find('\n');
        size_t take = nl == std::string_view::npos ? in.size() : nl + 1;
        if (line_.size() + take > kMaxLine) return Framing("line too long");
        line_.append(in.substr(0, take));
        in.remove_prefix(take);
        if (nl == std::string_view::npos) break;
        if (line_.size() < 2 || line_[line_.size() - 2] != '\r') return Framing("bare line feed");
        std::string line = line_.substr(0, line_.size() - 2);
        line_.clear();
        Status s = state_ == State::kSizeLine   ? OnSizeLine(line)
                   : state_ == State::kDataEnd ? (line.empty() ? OnChunkEnd()
                                                               : Status(Framing("chunk longer than its size")))
                                               : OnTrailerLine(line);
        if (!s.ok()) return s;
        break;
      }
      case State::kData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(chunk_left_, in.size()));
        std::string_view piece = in.substr(0, take);
        if (HasChunkSignatures(mode_)) chunk_hash_.Update(piece);
        out->append(piece);
        decoded_ += take;
        chunk_left_ -= take;
        in.remove_prefix(take);
        if (chunk_left_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDone:
        return Framing("data after the final chunk");
    }
  }
  return {};
}

Status AwsChunkedDecoder::OnSizeLine(std::string_view line) {
  size_t semi = line.find(';');
  std::string_view size_text = TrimSpaces(line.substr(0, semi));
  if (size_text.empty() || size_text.size() > 15) return Framing("bad chunk size");
  uint64_t size = 0;
  for (char c : size_text) {
    int v = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (v < 0) return Framing("bad chunk size");
    size = size * 16 + static_cast<uint64_t>(v);
  }
  chunk_signature_.clear();
  if (semi != std::string_view::npos) {
    std::string_view ext = TrimSpaces(line.substr(semi + 1));
    constexpr std::string_view kKey = "chunk-signature=";
    if (!ext.starts_with(kKey)) return Framing("unknown chunk extension");
    chunk_signature_ = std::string(ext.substr(kKey.size()));
  }
  if (HasChunkSignatures(mode_) && chunk_signature_.empty()) {
    return MakeError("IncompleteSignature", "The chunk is missing its chunk-signature.");
  }
  chunk_size_ = size;
  chunk_left_ = size;
  if (size == 0) {
    final_chunk_ = true;
    if (HasChunkSignatures(mode_)) {
      Status s = OnChunkEnd();
      if (!s.ok()) return s;
    }
    state_ = State::kTrailerLine;
    return {};
  }
  state_ = State::kData;
  return {};
}

Status AwsChunkedDecoder::OnChunkEnd() {
  if (HasChunkSignatures(mode_)) {
    std::string data_hash = HexEncode(chunk_hash_.Final());
    std::string expected = SignatureHex(
        signing_.signing_key,
        ChunkStringToSign(signing_.amz_date, signing_.scope, previous_signature_, data_hash));
    if (!ConstantTimeEquals(expected, chunk_signature_)) return BadSignature();
    previous_signature_ = expected;
  }
  state_ = final_chunk_ ? State::kTrailerLine : State::kSizeLine;
  return {};
}

Status AwsChunkedDecoder::OnTrailerLine(std::string_view line) {
  if (line.empty()) {
    if (mode_ == PayloadMode::kStreamingSignedTrailer && !trailers_.fields().empty()) {
      if (trailer_signature_.empty()) {
        return MakeError("IncompleteSignature", "The trailer is missing x-amz-trailer-signature.");
      }
      std::string expected = SignatureHex(
          signing_.signing_key, TrailerStringToSign(signing_.amz_date, signing_.scope,
                                                    previous_signature_, trailer_canonical_));
      if (!ConstantTimeEquals(expected, trailer_signature_)) return BadSignature();
    }
    state_ = State::kDone;
    return {};
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return Framing("bad trailer line");
  std::string name = http::ToLower(TrimSpaces(line.substr(0, colon)));
  std::string value(TrimSpaces(line.substr(colon + 1)));
  if (name == "x-amz-trailer-signature") {
    trailer_signature_ = value;
    return {};
  }
  if (trailers_.fields().size() >= 16) return Framing("too many trailers");
  trailer_canonical_ += name;
  trailer_canonical_ += ':';
  trailer_canonical_ += value;
  trailer_canonical_ += '\n';
  trailers_.Add(std::move(name), std::move(value));
  return {};
}

Status AwsChunkedDecoder::Finish() const {
  if (state_ != State::kDone) {
    return MakeError("IncompleteBody",
                     "You did not provide the number of bytes specified by the Content-Length "
                     "HTTP header.");
  }
  return {};
}

}  // namespace evoke::auth
