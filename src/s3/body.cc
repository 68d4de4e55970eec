#include "s3/body.h"

#include <charconv>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "base/encoding.h"

namespace evoke::s3 {
namespace {

constexpr size_t kReadSize = 256 * 1024;
// Bodies from this size on are hashed on the hashing pool (see HashWorker).
constexpr uint64_t kParallelHashThreshold = 1024 * 1024;

bool ParseLength(std::string_view s, uint64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

BodyReader::BodyReader(http::Exchange& exchange, const auth::Verified& auth, WorkerPool* hashing)
    : exchange_(exchange), auth_(auth), hashing_(hashing) {}

Status BodyReader::Prepare() {
  const http::Request& req = exchange_.request();
  const http::Headers& h = req.headers;

  if (auto md5 = h.Get("Content-MD5")) {
    auto raw = Base64Decode(*md5);
    if (!raw || raw->size() != 16) {
      return MakeError("InvalidDigest", "The Content-MD5 you specified was invalid.")
          .With("Content-MD5", std::string(*md5));
    }
    content_md5_ = std::move(*raw);
  }

  // At most one x-amz-checksum-* header, in the right form.
  for (ChecksumAlgorithm a : kAllChecksums) {
    auto v = h.Get(ChecksumHeader(a));
    if (!v) continue;
    if (claimed_checksum_) {
      return MakeError("InvalidRequest",
                       "Expecting a single x-amz-checksum- header. Multiple checksum Types are not "
                       "allowed.");
    }
    auto raw = Base64Decode(*v);
    if (!raw || raw->size() != ChecksumSize(a)) {
      return MakeError("InvalidRequest", "Value for " + std::string(ChecksumHeader(a)) +
                                             " header is invalid.");
    }
    checksum_algorithm_ = a;
    claimed_checksum_ = std::string(*v);
  }
  if (auto trailer = h.Get("x-amz-trailer")) {
    std::string name = http::ToLower(*trailer);
    bool known = false;
    for (ChecksumAlgorithm a : kAllChecksums) {
      if (name == ChecksumHeader(a)) {
        if (claimed_checksum_) {
          return MakeError("InvalidRequest",
                           "Expecting a single x-amz-checksum- header. Multiple checksum Types are "
                           "not allowed.");
        }
        checksum_algorithm_ = a;
        checksum_in_trailer_ = true;
        known = true;
      }
    }
    if (!known) {
      return MakeError("InvalidRequest", "The value specified in the x-amz-trailer header is not "
                                         "supported");
    }
    if (!auth::HasTrailer(auth_.payload_mode)) {
      return MakeError("InvalidRequest", "The x-amz-trailer header requires a trailer payload "
                                         "mode in x-amz-content-sha256.");
    }
  }
  if (!checksum_algorithm_) {
    if (auto sdk = h.Get("x-amz-sdk-checksum-algorithm")) {
      checksum_algorithm_ = ParseChecksumAlgorithm(*sdk);
      if (!checksum_algorithm_) {
        return MakeError("InvalidRequest", "Checksum algorithm provided is unsupported. Please try "
                                           "again with any of the valid types: [CRC32, CRC32C, "
                                           "CRC64NVME, SHA1, SHA256]");
      }
    }
  }
  if (checksum_algorithm_) checksummer_ = std::make_unique<Checksummer>(*checksum_algorithm_);

  if (auth::IsStreaming(auth_.payload_mode)) {
    auto decoded = h.Get("x-amz-decoded-content-length");
    uint64_t n = 0;
    if (!decoded || !ParseLength(*decoded, &n)) {
      return MakeError("MissingContentLength", "You must provide the Content-Length HTTP header.");
    }
    expected_length_ = n;
    auth::ChunkSigning signing{auth_.signing_key, auth_.params.amz_date, auth_.params.Scope(),
                               auth_.params.signature};
    decoder_ = std::make_unique<auth::AwsChunkedDecoder>(auth_.payload_mode, std::move(signing));
  } else {
    expected_length_ = req.content_length;
    if (auth_.payload_mode == auth::PayloadMode::kSigned) {
      sha256_ = std::make_unique<Digest>(Digest::Kind::kSha256);
    }
  }
  return {};
}

// Runs the payload's MD5 and additional checksum on the shared hashing pool, so that for a
// large body they overlap with receiving, SHA-256, decoding and writing on the I/O thread. One
// piece at a time (MD5 is sequential): Submit awaits the previous piece, so the I/O thread
// serves its other connections meanwhile.
class BodyReader::HashWorker {
 public:
  HashWorker(WorkerPool& pool, std::function<void(std::string_view)> hash)
      : pool_(pool), hash_(std::move(hash)) {}
  // A piece still being hashed refers to this worker: wait for it (a body abandoned halfway).
  ~HashWorker() { Wait(); }

  // Blocks until every submitted piece is hashed (at once after Idle() has resumed).
  void Wait() {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return !busy_; });
  }

  // Hands `piece` to the pool once the previous piece is hashed. `piece` must stay valid and
  // unchanged until the next Submit or Idle has resumed.
  Task<void> Submit(std::string_view piece) {
    co_await Idle();
    {
      std::lock_guard lock(mutex_);
      busy_ = true;
    }
    pool_.Post([this, piece] {
      try {
        hash_(piece);
      } catch (...) {
        // Never leaves busy_ set: the reader would wait for ever. The digests are only spoiled
        // by memory exhaustion, and the whole process is in trouble then.
      }
      std::function<void(bool)> waiter;
      {
        std::lock_guard lock(mutex_);
        busy_ = false;
        waiter = std::move(waiter_);
        waiter_ = nullptr;
        wake_.notify_all();
      }
      if (waiter) waiter(true);
    });
  }

  // Resumes once every submitted piece is hashed.
  Task<void> Idle() {
    {
      std::lock_guard lock(mutex_);
      if (!busy_) co_return;
    }
    (void)co_await AwaitCallback<bool>([this](std::function<void(bool)> done) {
      std::unique_lock lock(mutex_);
      if (!busy_) {
        lock.unlock();
        done(true);
        return;
      }
      waiter_ = std::move(done);
    });
  }

 private:
  WorkerPool& pool_;
  std::function<void(std::string_view)> hash_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool busy_ = false;                    // GUARDED_BY(mutex_): a piece is on the pool
  std::function<void(bool)> waiter_;     // GUARDED_BY(mutex_): resumes Idle()
};

BodyReader::~BodyReader() = default;

Task<Result<std::string_view>> BodyReader::Next() {
  if (!raw_[0]) {
    // Sized once: resizing per read would zero-fill the whole buffer every time.
    raw_[0] = std::make_unique_for_overwrite<char[]>(kReadSize);
    if (hashing_ && expected_length_ && *expected_length_ >= kParallelHashThreshold) {
      raw_[1] = std::make_unique_for_overwrite<char[]>(kReadSize);
      worker_ = std::make_unique<HashWorker>(*hashing_, [this](std::string_view piece) {
        md5_.Update(piece);
        if (checksummer_) checksummer_->Update(piece);
      });
    }
  }
  for (;;) {
    if (ended_) {
      // The end: every piece hashed before the caller asks for the digests (Finish).
      if (worker_) co_await worker_->Idle();
      co_return std::string_view();
    }
    char* buffer = raw_[current_].get();
    size_t filled = 0;
    do {  // a worker's hand-over costs a wake-up: give it up to kReadSize at a time
      auto n = co_await exchange_.ReadBody(std::span(buffer + filled, kReadSize - filled));
      if (!n.ok()) co_return std::move(n).error();
      if (*n == 0) {
        ended_ = true;
        break;
      }
      filled += *n;
    } while (worker_ && filled < kReadSize);
    if (filled == 0) continue;  // the end (ended_ is set)
    std::string_view piece(buffer, filled);
    if (sha256_) sha256_->Update(piece);
    if (decoder_) {
      std::string& decoded = decoded_[current_];
      decoded.clear();
      Status s = decoder_->Feed(piece, &decoded);
      if (!s.ok()) co_return std::move(s).error();
      piece = decoded;
      if (piece.empty()) continue;
    }
    if (worker_) {
      co_await worker_->Submit(piece);
      // The next piece goes to the other buffers: the worker may still be hashing this one.
      current_ ^= 1;
    } else {
      md5_.Update(piece);
      if (checksummer_) checksummer_->Update(piece);
    }
    bytes_ += piece.size();
    co_return piece;
  }
}

Task<Result<std::string>> BodyReader::ReadAll(size_t limit) {
  std::string all;
  for (;;) {
    auto piece = co_await Next();
    if (!piece.ok()) co_return std::move(piece).error();
    if (piece->empty()) break;
    if (all.size() + piece->size() > limit) {
      exchange_.CloseAfterResponse();
      co_return MakeError("MaxMessageLengthExceeded", "Your request was too big.");
    }
    all.append(*piece);
  }
  co_return all;
}

Task<Result<std::string>> ReadDocument(http::Exchange& exchange, const auth::Verified& auth,
                                       size_t limit) {
  BodyReader body(exchange, auth, nullptr);  // small: hashed on this thread
  Status s = body.Prepare();
  if (!s.ok()) co_return std::move(s).error();
  auto all = co_await body.ReadAll(limit);
  if (!all.ok()) co_return std::move(all).error();
  s = body.Finish();
  if (!s.ok()) co_return std::move(s).error();
  co_return std::move(*all);
}

Status BodyReader::Finish() {
  if (worker_) worker_->Wait();
  if (decoder_) {
    Status s = decoder_->Finish();
    if (!s.ok()) return s;
  }
  if (expected_length_ && bytes_ != *expected_length_) {
    return MakeError("IncompleteBody",
                     "You did not provide the number of bytes specified by the Content-Length "
                     "HTTP header.");
  }
  if (sha256_) {
    std::string computed = HexEncode(sha256_->Final());
    if (computed != auth_.payload_sha256) {
      return MakeError("XAmzContentSHA256Mismatch",
                       "The provided 'x-amz-content-sha256' header does not match what was "
                       "computed.")
          .With("ClientComputedContentSHA256", auth_.payload_sha256)
          .With("S3ComputedContentSHA256", computed);
    }
  }
  std::string md5 = md5_.Final();
  md5_hex_ = HexEncode(md5);
  if (content_md5_ && *content_md5_ != md5) {
    return MakeError("BadDigest", "The Content-MD5 you specified did not match what we received.")
        .With("ExpectedDigest", HexEncode(*content_md5_))
        .With("CalculatedDigest", Base64Encode(md5));
  }
  if (checksummer_) {
    checksum_value_ = checksummer_->FinalBase64();
    std::optional<std::string> claimed = claimed_checksum_;
    if (checksum_in_trailer_) {
      auto t = decoder_ ? decoder_->trailers().Get(ChecksumHeader(*checksum_algorithm_))
                        : std::nullopt;
      if (!t) {
        return MakeError("InvalidRequest", "x-amz-trailer names " +
                                               std::string(ChecksumHeader(*checksum_algorithm_)) +
                                               " but the trailer did not carry it.");
      }
      claimed = std::string(*t);
    }
    if (claimed && *claimed != checksum_value_) {
      return MakeError("BadDigest", "The " + std::string(ChecksumName(*checksum_algorithm_)) +
                                        " you specified did not match the calculated checksum.");
    }
  }
  return {};
}

}  // namespace evoke::s3
