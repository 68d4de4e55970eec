// s3load: a lean S3 load generator (PutObject / GetObject, real SigV4, HTTP/1.1 keep-alive),
// which also drives the Lambda Invoke API (`s3load invoke`). Used by bench/run_s3.sh,
// bench/run_lambda.sh and bench/run_events.sh to drive evoke and its peers with the same client.
// One epoll loop per thread (default one thread); each connection carries one request at a time.
//
// Build: g++ -std=c++20 -O2 -o s3load s3load.cc -lcrypto -lpthread
// Usage: s3load --help

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] __attribute__((format(printf, 1, 2))) void Die(const char* fmt, ...) {
  std::fprintf(stderr, "s3load: ");
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fprintf(stderr, "\n");
  std::exit(2);
}

// ---------------------------------------------------------------------------------------------
// Hashing (OpenSSL EVP with the digest fetched once; HMAC from precomputed pad states).

constexpr char kHex[] = "0123456789abcdef";

void AppendHex(const unsigned char* p, size_t n, std::string* out) {
  for (size_t i = 0; i < n; ++i) {
    out->push_back(kHex[p[i] >> 4]);
    out->push_back(kHex[p[i] & 15]);
  }
}

class Sha256 {
 public:
  Sha256() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {
    if (md_ == nullptr || ctx_ == nullptr) Die("cannot fetch SHA256 from OpenSSL");
  }
  ~Sha256() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Digest(const void* data, size_t n, unsigned char out[32]) {
    unsigned int len = 0;
    EVP_DigestInit_ex2(ctx_, md_, nullptr);
    EVP_DigestUpdate(ctx_, data, n);
    EVP_DigestFinal_ex(ctx_, out, &len);
  }
  std::string Hex(std::string_view s) {
    unsigned char d[32];
    Digest(s.data(), s.size(), d);
    std::string out;
    AppendHex(d, 32, &out);
    return out;
  }
  EVP_MD* md() const { return md_; }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

// HMAC-SHA256 with a fixed key: the inner and outer pad states are hashed once, each MAC then
// copies them and hashes only the message (RFC 2104).
class HmacSha256 {
 public:
  HmacSha256(EVP_MD* md, std::string_view key)
      : md_(md), inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()), work_(EVP_MD_CTX_new()) {
    unsigned char k[64] = {0};
    if (key.size() > 64) {
      unsigned int len = 0;
      EVP_Digest(key.data(), key.size(), k, &len, md_, nullptr);
    } else {
      std::memcpy(k, key.data(), key.size());
    }
    unsigned char ipad[64], opad[64];
    for (int i = 0; i < 64; ++i) {
      ipad[i] = k[i] ^ 0x36;
      opad[i] = k[i] ^ 0x5c;
    }
    EVP_DigestInit_ex2(inner_, md_, nullptr);
    EVP_DigestUpdate(inner_, ipad, 64);
    EVP_DigestInit_ex2(outer_, md_, nullptr);
    EVP_DigestUpdate(outer_, opad, 64);
  }
  ~HmacSha256() {
    EVP_MD_CTX_free(inner_);
    EVP_MD_CTX_free(outer_);
    EVP_MD_CTX_free(work_);
  }
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  void Mac(std::string_view msg, unsigned char out[32]) {
    unsigned char ih[32];
    unsigned int len = 0;
    EVP_MD_CTX_copy_ex(work_, inner_);
    EVP_DigestUpdate(work_, msg.data(), msg.size());
    EVP_DigestFinal_ex(work_, ih, &len);
    EVP_MD_CTX_copy_ex(work_, outer_);
    EVP_DigestUpdate(work_, ih, 32);
    EVP_DigestFinal_ex(work_, out, &len);
  }
  std::string MacBytes(std::string_view msg) {
    unsigned char d[32];
    Mac(msg, d);
    return std::string(reinterpret_cast<char*>(d), 32);
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* inner_;
  EVP_MD_CTX* outer_;
  EVP_MD_CTX* work_;
};

// ---------------------------------------------------------------------------------------------
// SigV4. The signing key is derived once per scope date; every request gets its own canonical
// request, string to sign and HMAC.

class Signer {
 public:
  Signer(std::string access_key, std::string secret, std::string region, std::string service = "s3")
      : access_key_(std::move(access_key)),
        secret_(std::move(secret)),
        region_(std::move(region)),
        service_(std::move(service)) {
    canonical_.reserve(1024);
    sts_.reserve(256);
  }

  // Returns the Authorization header value. amz_date is yyyymmddThhmmssZ. canonical_headers
  // holds "name:value\n" lines, sorted, lower-case names; signed_headers is "a;b;c".
  const std::string& Sign(std::string_view method, std::string_view canonical_uri,
                          std::string_view canonical_query, std::string_view canonical_headers,
                          std::string_view signed_headers, std::string_view payload_hash,
                          std::string_view amz_date) {
    std::string_view date = amz_date.substr(0, 8);
    if (key_ == nullptr || date != key_date_) DeriveKey(date);

    canonical_.clear();
    canonical_.append(method).push_back('\n');
    canonical_.append(canonical_uri).push_back('\n');
    canonical_.append(canonical_query).push_back('\n');
    canonical_.append(canonical_headers).push_back('\n');
    canonical_.append(signed_headers).push_back('\n');
    canonical_.append(payload_hash);

    unsigned char d[32];
    sha_.Digest(canonical_.data(), canonical_.size(), d);
    sts_.assign("AWS4-HMAC-SHA256\n");
    sts_.append(amz_date).push_back('\n');
    sts_.append(scope_).push_back('\n');
    AppendHex(d, 32, &sts_);
    key_->Mac(sts_, d);

    auth_.assign("AWS4-HMAC-SHA256 Credential=");
    auth_.append(access_key_).push_back('/');
    auth_.append(scope_);
    auth_.append(", SignedHeaders=");
    auth_.append(signed_headers);
    auth_.append(", Signature=");
    AppendHex(d, 32, &auth_);
    return auth_;
  }

  const std::string& last_canonical_request() const { return canonical_; }

 private:
  void DeriveKey(std::string_view date) {
    key_date_.assign(date);
    std::string k = HmacSha256(sha_.md(), "AWS4" + secret_).MacBytes(date);
    k = HmacSha256(sha_.md(), k).MacBytes(region_);
    k = HmacSha256(sha_.md(), k).MacBytes(service_);
    k = HmacSha256(sha_.md(), k).MacBytes("aws4_request");
    key_ = std::make_unique<HmacSha256>(sha_.md(), k);
    scope_ = key_date_ + "/" + region_ + "/" + service_ + "/aws4_request";
  }

  std::string access_key_, secret_, region_, service_;
  Sha256 sha_;
  std::string key_date_, scope_;
  std::unique_ptr<HmacSha256> key_;
  std::string canonical_, sts_, auth_;
};

// The x-amz-date of "now", reformatted only when the second changes.
class AmzDate {
 public:
  const std::string& Now() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    if (ts.tv_sec != sec_) {
      sec_ = ts.tv_sec;
      tm t;
      gmtime_r(&ts.tv_sec, &t);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &t);
      s_ = buf;
    }
    return s_;
  }

 private:
  time_t sec_ = -1;
  std::string s_;
};

// S3's UriEncode for an object key path: everything but unreserved characters and '/'.
void AppendUriEncodedPath(std::string_view s, std::string* out) {
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back('%');
      out->push_back("0123456789ABCDEF"[c >> 4]);
      out->push_back("0123456789ABCDEF"[c & 15]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Options.

enum class Mode { kPut, kGet, kInvoke, kMkBucket, kMkFiles, kSelfTest };

struct Options {
  Mode mode = Mode::kPut;
  std::string endpoint = "http://127.0.0.1:9000";
  std::string host;  // from endpoint
  std::string port;
  std::string bucket = "bench";
  std::string prefix = "obj-";
  uint64_t size = 4096;
  int conns = 1;
  int threads = 1;
  double duration_s = 0;
  uint64_t ops = 0;
  uint64_t keys = 0;  // get: objects written in setup (default 1000); put: 0 = unique keys
  double warmup_s = 0;
  std::string region = "us-east-1";
  std::string access_key, secret_key;
  double timeout_s = 120;
  bool verify = true;
  bool skip_setup = false;
  bool json = false;
  std::string label;
  std::vector<int> watch_pids;  // server processes whose CPU use is reported
  bool watch_children = false;  // ... with all their descendants (sandboxes, workers)
  // invoke
  std::string function;
  std::string payload = "{}";
  bool event_invocation = false;  // --invocation-type Event: X-Amz-Invocation-Type, 202 expected
  // events benchmark
  double pause_ms = 0;         // sleep between one response and the next request (per connection)
  std::string timestamps_path; // per measured op: key, CLOCK_REALTIME ns at first write / response
  // mkfiles
  std::string dir;             // the objects a GET reads, as files DIR/BUCKET/PREFIX<N>
};

void Usage() {
  std::puts(
      "usage: s3load MODE [options]\n"
      "  MODE: put | get | invoke | mkbucket | mkfiles | selftest\n"
      "  mkfiles --dir D      writes the --keys objects that `get` reads as files\n"
      "                       D/BUCKET/PREFIX<N> (the same bytes), for a static file server\n"
      "                       (the benchmark's nginx reference); then `get --skip-setup`\n"
      "  --endpoint URL       http://HOST:PORT (default http://127.0.0.1:9000)\n"
      "  --bucket NAME        (default bench)\n"
      "  --prefix P           key prefix (default obj-); keys are P0, P1, ...\n"
      "  --size BYTES         object size; suffixes k, m, g (KiB, MiB, GiB); default 4k\n"
      "  --conns N            concurrent connections (default 1)\n"
      "  --threads T          event-loop threads, connections split among them (default 1)\n"
      "  --duration SECS      measure for this long (default 5 unless --ops)\n"
      "  --ops N              measure exactly N operations\n"
      "  --warmup SECS        unmeasured load before measuring (default 0)\n"
      "  --keys N             get: objects written in the setup phase and read round-robin\n"
      "                       (default 1000, or --ops if smaller); put: cycle over N keys\n"
      "                       (default 0: a new key per PUT)\n"
      "  --skip-setup         get: the objects already exist\n"
      "  --no-verify          get: check only the body length, not its bytes\n"
      "  --function NAME      invoke: the function (Lambda Invoke API)\n"
      "  --payload JSON       invoke: the event (default {})\n"
      "  --payload-file PATH  invoke: the event, from a file. In either, %SEQ% is replaced by\n"
      "                       the op's sequence number (each request then hashes its own)\n"
      "  --invocation-type T  invoke: RequestResponse (default, 200 expected) or Event (202)\n"
      "  --pause-ms MS        sleep MS after each response before the connection's next request\n"
      "  --timestamps PATH    write one line per measured op: KEY START_NS END_NS OK, with\n"
      "                       CLOCK_REALTIME just before the request's first byte is written and\n"
      "                       just after its response's last byte is read (KEY: the object key\n"
      "                       number, or the invoke's sequence number)\n"
      "  --region R           (default us-east-1)\n"
      "  --access-key K / --secret-key S  (default $AWS_ACCESS_KEY_ID / "
      "$AWS_SECRET_ACCESS_KEY)\n"
      "  --timeout SECS       per request (default 120); a timeout is an error\n"
      "  --label TEXT         copied into the result line\n"
      "  --json               print the result as one JSON line\n"
      "  --watch-pids P,P,..  also report these processes' CPU use while measuring (server)\n"
      "  --watch-children     ... including all their descendants (function sandboxes)\n"
      "Any response other than 2xx, a short or mismatching body, a reset or a timeout is an\n"
      "error; for invoke also anything but 200 and any response with X-Amz-Function-Error.\n"
      "Errors are counted and reported, never as successes. Exit status 1 if any.");
}

uint64_t ParseSize(const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  std::string suf(end);
  uint64_t mul = 1;
  if (suf == "k" || suf == "K" || suf == "KiB") mul = 1024;
  else if (suf == "m" || suf == "M" || suf == "MiB") mul = 1024 * 1024;
  else if (suf == "g" || suf == "G" || suf == "GiB") mul = 1024ull * 1024 * 1024;
  else if (!suf.empty()) Die("bad size: %s", s.c_str());
  return static_cast<uint64_t>(v * static_cast<double>(mul));
}

std::string ReadFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) Die("cannot open %s: %s", path.c_str(), std::strerror(errno));
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    Usage();
    std::exit(argc < 2 ? 2 : 0);
  }
  std::string mode = argv[1];
  if (mode == "put") o.mode = Mode::kPut;
  else if (mode == "get") o.mode = Mode::kGet;
  else if (mode == "invoke") o.mode = Mode::kInvoke;
  else if (mode == "mkbucket") o.mode = Mode::kMkBucket;
  else if (mode == "mkfiles") o.mode = Mode::kMkFiles;
  else if (mode == "selftest") o.mode = Mode::kSelfTest;
  else Die("unknown mode %s", mode.c_str());
  bool keys_given = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value for %s", a.c_str());
      return argv[++i];
    };
    if (a == "--endpoint") o.endpoint = val();
    else if (a == "--bucket") o.bucket = val();
    else if (a == "--prefix") o.prefix = val();
    else if (a == "--size") o.size = ParseSize(val());
    else if (a == "--conns" || a == "-c") o.conns = std::stoi(val());
    else if (a == "--threads") o.threads = std::stoi(val());
    else if (a == "--duration" || a == "-d") o.duration_s = std::stod(val());
    else if (a == "--ops" || a == "-n") o.ops = std::stoull(val());
    else if (a == "--warmup") o.warmup_s = std::stod(val());
    else if (a == "--keys") { o.keys = std::stoull(val()); keys_given = true; }
    else if (a == "--skip-setup") o.skip_setup = true;
    else if (a == "--no-verify") o.verify = false;
    else if (a == "--function") o.function = val();
    else if (a == "--payload") o.payload = val();
    else if (a == "--payload-file") o.payload = ReadFile(val());
    else if (a == "--invocation-type") {
      std::string t = val();
      if (t == "Event") o.event_invocation = true;
      else if (t != "RequestResponse") Die("--invocation-type: RequestResponse or Event");
    }
    else if (a == "--pause-ms") o.pause_ms = std::stod(val());
    else if (a == "--timestamps") o.timestamps_path = val();
    else if (a == "--dir") o.dir = val();
    else if (a == "--watch-children") o.watch_children = true;
    else if (a == "--region") o.region = val();
    else if (a == "--access-key") o.access_key = val();
    else if (a == "--secret-key") o.secret_key = val();
    else if (a == "--timeout") o.timeout_s = std::stod(val());
    else if (a == "--label") o.label = val();
    else if (a == "--json") o.json = true;
    else if (a == "--watch-pids") {
      std::string v = val();
      for (size_t pos = 0; pos < v.size();) {
        size_t comma = v.find(',', pos);
        if (comma == std::string::npos) comma = v.size();
        if (comma > pos) o.watch_pids.push_back(std::stoi(v.substr(pos, comma - pos)));
        pos = comma + 1;
      }
    }
    else if (a == "--help" || a == "-h") { Usage(); std::exit(0); }
    else Die("unknown option %s", a.c_str());
  }
  if (o.ops == 0 && o.duration_s <= 0) o.duration_s = 5;
  if (o.conns < 1) o.conns = 1;
  o.threads = std::clamp(o.threads, 1, o.conns);
  if (o.mode == Mode::kMkFiles) {
    if (o.dir.empty()) Die("mkfiles needs --dir");
    if (!keys_given) o.keys = 1000;
    if (o.keys == 0) Die("mkfiles needs --keys > 0");
    return o;  // no endpoint, no credentials
  }
  if (o.mode == Mode::kGet && !keys_given) o.keys = o.ops > 0 ? std::min<uint64_t>(o.ops, 1000) : 1000;
  if (o.mode == Mode::kGet && o.keys == 0) Die("get needs --keys > 0");
  if (o.mode == Mode::kInvoke && o.function.empty()) Die("invoke needs --function");
  if (o.access_key.empty() && std::getenv("AWS_ACCESS_KEY_ID")) o.access_key = std::getenv("AWS_ACCESS_KEY_ID");
  if (o.secret_key.empty() && std::getenv("AWS_SECRET_ACCESS_KEY")) o.secret_key = std::getenv("AWS_SECRET_ACCESS_KEY");
  if (o.mode != Mode::kSelfTest && (o.access_key.empty() || o.secret_key.empty()))
    Die("no credentials: --access-key/--secret-key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
  std::string_view ep = o.endpoint;
  if (ep.substr(0, 7) != "http://") Die("endpoint must be http://HOST:PORT, got %s", o.endpoint.c_str());
  ep.remove_prefix(7);
  while (!ep.empty() && ep.back() == '/') ep.remove_suffix(1);
  size_t colon = ep.rfind(':');
  if (colon == std::string_view::npos) {
    o.host = std::string(ep);
    o.port = "80";
  } else {
    o.host = std::string(ep.substr(0, colon));
    o.port = std::string(ep.substr(colon + 1));
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// The run: shared op counter and phase, per-thread workers with their connections.

enum class OpKind { kPut, kGet, kInvoke };

struct Phase {
  OpKind kind = OpKind::kPut;
  bool record = false;                 // measured (latencies, bytes) or setup/warmup
  uint64_t limit = 0;                  // ops limit, 0 = none
  Clock::time_point deadline{};        // used when limit == 0
  std::atomic<uint64_t> next{0};       // next op sequence number
  uint64_t key_mod = 0;                // key = seq % key_mod when non-zero
  uint64_t key_base = 0;               // key = key_base + seq otherwise
};

// One measured op's wall-clock times, for --timestamps.
struct OpTimes {
  uint64_t key;
  int64_t start_ns;  // CLOCK_REALTIME just before the request's first byte was written
  int64_t end_ns;    // ... just after the response's last byte was read
  bool ok;
};

int64_t RealtimeNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

struct Stats {
  uint64_t ok = 0;
  uint64_t errors = 0;
  uint64_t bytes = 0;
  uint64_t connects = 0;
  uint64_t retries = 0;
  std::vector<uint32_t> lat_us;
  std::map<std::string, uint64_t> error_kinds;  // "HTTP 403", "timeout", "short body", ...
  std::vector<std::string> samples;             // first error bodies / messages
  std::vector<OpTimes> times;                   // with --timestamps only

  void Merge(const Stats& o) {
    ok += o.ok;
    errors += o.errors;
    bytes += o.bytes;
    connects += o.connects;
    retries += o.retries;
    lat_us.insert(lat_us.end(), o.lat_us.begin(), o.lat_us.end());
    times.insert(times.end(), o.times.begin(), o.times.end());
    for (const auto& [k, v] : o.error_kinds) error_kinds[k] += v;
    for (const auto& s : o.samples)
      if (samples.size() < 5) samples.push_back(s);
  }
};

struct Shared {
  const Options* opt = nullptr;
  const std::string* payload = nullptr;
  std::string payload_sha;
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string host_header;
  std::string invoke_path;            // /2015-03-31/functions/NAME/invocations, URI-encoded
  std::string invoke_canonical_path;  // ... encoded once more, as SigV4 wants for non-S3 services
  bool payload_has_seq = false;       // invoke: the event holds %SEQ%, made per request
  Phase* phase = nullptr;
};

constexpr size_t kReadBuf = 1 << 20;
constexpr uint64_t kNoLength = ~0ull;

struct Conn {
  int fd = -1;
  uint32_t id = 0;
  // kReady: waiting in the worker's ready list for its next op.
  enum class St { kIdle, kReady, kConnecting, kWriting, kReading } st = St::kIdle;
  bool want_out = false;
  uint32_t uses = 0;     // responses completed on this fd
  bool retried = false;  // the current op was resent once on a new connection
  // request
  std::string head;
  const char* body = nullptr;
  size_t body_len = 0;
  size_t sent = 0;  // of head + body
  OpKind kind = OpKind::kPut;
  Clock::time_point start;
  uint64_t key = 0;       // object key number / invoke sequence number
  int64_t start_ns = 0;   // CLOCK_REALTIME at the first write (--timestamps)
  std::string own_body;   // an invoke event made for this request (%SEQ%)
  // response
  std::string hbuf;  // partial header bytes
  bool headers_done = false;
  int status = 0;
  bool chunked = false;
  bool close_after = false;
  std::string function_error;  // X-Amz-Function-Error of an invoke response
  uint64_t content_length = kNoLength;
  uint64_t body_got = 0;
  bool body_mismatch = false;
  std::string err_body;
  // chunked decoding
  enum class Ck { kSize, kData, kDataCrlf, kTrailer } ck = Ck::kSize;
  uint64_t ck_left = 0;
  std::string ck_line;
};

class Worker {
 public:
  Worker(Shared* sh, int nconns)
      : sh_(sh),
        opt_(*sh->opt),
        signer_(opt_.access_key, opt_.secret_key, opt_.region,
                opt_.mode == Mode::kInvoke ? "lambda" : "s3"),
        rbuf_(new char[kReadBuf]) {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) Die("epoll_create1: %s", std::strerror(errno));
    conns_.resize(nconns);
    for (int i = 0; i < nconns; ++i) {
      conns_[i].id = static_cast<uint32_t>(i);
      conns_[i].head.reserve(1024);
      conns_[i].hbuf.reserve(4096);
    }
  }
  ~Worker() {
    for (auto& c : conns_)
      if (c.fd >= 0) close(c.fd);
    close(ep_);
  }

  // Runs the current phase on this worker's connections until the phase has no more ops and
  // every in-flight op has finished.
  void RunPhase(Stats* stats) {
    stats_ = stats;
    phase_ = sh_->phase;
    active_ = static_cast<int>(conns_.size());
    ready_.clear();
    for (auto& c : conns_) MakeReady(c);
    DrainReady();
    const auto timeout = std::chrono::duration<double>(opt_.timeout_s);
    epoll_event evs[256];
    auto last_check = Clock::now();
    while (active_ > 0) {
      int n = epoll_wait(ep_, evs, 256, 100);
      if (n < 0) {
        if (errno == EINTR) continue;
        Die("epoll_wait: %s", std::strerror(errno));
      }
      for (int i = 0; i < n; ++i) {
        Conn& c = conns_[evs[i].data.u32];
        const int fd = c.fd;
        if (fd < 0) continue;
        if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) OnReadable(c);
        if (c.fd == fd && (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) &&
            (c.st == Conn::St::kWriting || c.st == Conn::St::kConnecting))
          OnWritable(c);
      }
      DrainReady();
      auto now = Clock::now();
      if (now - last_check > std::chrono::milliseconds(100)) {
        last_check = now;
        for (auto& c : conns_)
          if (InFlight(c) && now - c.start > timeout) Fail(c, "timeout");
        DrainReady();
      }
    }
  }

 private:
  static bool InFlight(const Conn& c) {
    return c.st == Conn::St::kConnecting || c.st == Conn::St::kWriting || c.st == Conn::St::kReading;
  }

  void MakeReady(Conn& c) {
    c.st = Conn::St::kReady;
    ready_.push_back(c.id);
  }

  // Starts the next op on every connection that finished one. Ops never start from inside the
  // completion of another, so failures cannot recurse.
  void DrainReady() {
    for (size_t i = 0; i < ready_.size(); ++i) StartNext(conns_[ready_[i]]);
    ready_.clear();
  }

  bool NextSeq(uint64_t* seq) {
    Phase& p = *phase_;
    if (p.limit > 0) {
      *seq = p.next.fetch_add(1, std::memory_order_relaxed);
      return *seq < p.limit;
    }
    if (Clock::now() >= p.deadline) return false;
    *seq = p.next.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  void StartNext(Conn& c) {
    uint64_t seq;
    if (!NextSeq(&seq)) {
      c.st = Conn::St::kIdle;
      --active_;
      return;
    }
    const Phase& p = *phase_;
    uint64_t key = p.key_mod ? seq % p.key_mod : p.key_base + seq;
    if (opt_.pause_ms > 0 && c.uses > 0) {
      // The events benchmark's idle gap: the function finishes and waits, as between real
      // events. It blocks this thread, so it is meant for one connection.
      const auto ns = static_cast<long>(opt_.pause_ms * 1e6);
      timespec ts{ns / 1000000000, ns % 1000000000};
      while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
      }
    }
    c.key = key;
    BuildRequest(c, p.kind, key);
    c.start = Clock::now();
    c.retried = false;
    Send(c);
  }

  void Send(Conn& c) {
    c.st = Conn::St::kWriting;
    if (c.fd < 0) {
      if (!Connect(c)) return;
      if (c.st == Conn::St::kConnecting) return;
    }
    c.st = Conn::St::kWriting;
    TryWrite(c);
  }

  void BuildRequest(Conn& c, OpKind kind, uint64_t key) {
    if (kind == OpKind::kInvoke) {
      BuildInvoke(c, key);
    } else {
      BuildS3(c, kind, key);
    }
    c.kind = kind;
    c.sent = 0;
    c.hbuf.clear();
    c.headers_done = false;
    c.status = 0;
    c.chunked = false;
    c.close_after = false;
    c.function_error.clear();
    c.content_length = kNoLength;
    c.body_got = 0;
    c.body_mismatch = false;
    c.err_body.clear();
    c.ck = Conn::Ck::kSize;
    c.ck_left = 0;
    c.ck_line.clear();
  }

  // Lambda Invoke (RequestResponse): POST the event, signed for service "lambda" as botocore
  // signs it (host and x-amz-date; the payload's hash goes into the canonical request only).
  // With --invocation-type Event, X-Amz-Invocation-Type is sent and signed, as botocore does.
  void BuildInvoke(Conn& c, uint64_t seq) {
    const std::string* body = sh_->payload;
    const std::string* body_sha = &sh_->payload_sha;
    if (sh_->payload_has_seq) {
      c.own_body = *sh_->payload;
      const std::string n = std::to_string(seq);
      for (size_t at = c.own_body.find("%SEQ%"); at != std::string::npos;
           at = c.own_body.find("%SEQ%", at + n.size()))
        c.own_body.replace(at, 5, n);
      own_sha_ = sha_.Hex(c.own_body);
      body = &c.own_body;
      body_sha = &own_sha_;
    }
    const bool event = opt_.event_invocation;
    const std::string& date = date_.Now();
    canon_headers_.assign("host:");
    canon_headers_.append(sh_->host_header);
    canon_headers_.append("\nx-amz-date:");
    canon_headers_.append(date);
    canon_headers_.push_back('\n');
    if (event) canon_headers_.append("x-amz-invocation-type:Event\n");
    const std::string& auth =
        signer_.Sign("POST", sh_->invoke_canonical_path, "", canon_headers_,
                     event ? "host;x-amz-date;x-amz-invocation-type" : "host;x-amz-date",
                     *body_sha, date);
    char num[24];
    const int nl = std::snprintf(num, sizeof num, "%zu", body->size());
    std::string& h = c.head;
    h.assign("POST ");
    h.append(sh_->invoke_path);
    h.append(" HTTP/1.1\r\nHost: ");
    h.append(sh_->host_header);
    h.append("\r\nX-Amz-Date: ");
    h.append(date);
    if (event) h.append("\r\nX-Amz-Invocation-Type: Event");
    h.append("\r\nAuthorization: ");
    h.append(auth);
    h.append("\r\nContent-Length: ");
    h.append(num, nl);
    h.append("\r\n\r\n");
    c.body = body->data();
    c.body_len = body->size();
  }

  void BuildS3(Conn& c, OpKind kind, uint64_t key) {
    path_.clear();
    path_.push_back('/');
    AppendUriEncodedPath(opt_.bucket, &path_);
    path_.push_back('/');
    AppendUriEncodedPath(opt_.prefix, &path_);
    char num[24];
    int nl = std::snprintf(num, sizeof num, "%" PRIu64, key);
    path_.append(num, nl);

    const bool put = kind == OpKind::kPut;
    const std::string& hash = put ? sh_->payload_sha : kEmptySha;
    const std::string& date = date_.Now();
    canon_headers_.assign("host:");
    canon_headers_.append(sh_->host_header);
    canon_headers_.append("\nx-amz-content-sha256:");
    canon_headers_.append(hash);
    canon_headers_.append("\nx-amz-date:");
    canon_headers_.append(date);
    canon_headers_.push_back('\n');
    const std::string& auth = signer_.Sign(put ? "PUT" : "GET", path_, "", canon_headers_,
                                           kSignedHeaders, hash, date);
    std::string& h = c.head;
    h.assign(put ? "PUT " : "GET ");
    h.append(path_);
    h.append(" HTTP/1.1\r\nHost: ");
    h.append(sh_->host_header);
    h.append("\r\nx-amz-date: ");
    h.append(date);
    h.append("\r\nx-amz-content-sha256: ");
    h.append(hash);
    h.append("\r\nAuthorization: ");
    h.append(auth);
    if (put) {
      nl = std::snprintf(num, sizeof num, "%zu", sh_->payload->size());
      h.append("\r\nContent-Length: ");
      h.append(num, nl);
      c.body = sh_->payload->data();
      c.body_len = sh_->payload->size();
    } else {
      c.body = nullptr;
      c.body_len = 0;
    }
    h.append("\r\n\r\n");
  }

  // Opens c.fd. Returns false (and has recorded the error) when the connect failed at once.
  bool Connect(Conn& c) {
    int fd = socket(sh_->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) Die("socket: %s", std::strerror(errno));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++stats_->connects;
    c.fd = fd;
    c.uses = 0;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = c.id;
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) != 0) Die("epoll_ctl: %s", std::strerror(errno));
    c.want_out = false;
    if (connect(fd, reinterpret_cast<const sockaddr*>(&sh_->addr), sh_->addr_len) == 0) {
      c.st = Conn::St::kWriting;
      return true;
    }
    if (errno == EINPROGRESS) {
      c.st = Conn::St::kConnecting;
      WantOut(c, true);
      return true;
    }
    ConnectFailed(c, errno);
    return false;
  }

  void ConnectFailed(Conn& c, int err) {
    if (++connect_failures_ > 50)
      Die("%d connects in a row failed, last: %s", connect_failures_, std::strerror(err));
    Fail(c, std::string("connect: ") + std::strerror(err));
  }

  void WantOut(Conn& c, bool on) {
    if (c.want_out == on) return;
    c.want_out = on;
    epoll_event ev{};
    ev.events = on ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
    ev.data.u32 = c.id;
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void OnWritable(Conn& c) {
    if (c.st == Conn::St::kConnecting) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        ConnectFailed(c, err);
        return;
      }
      c.st = Conn::St::kWriting;
    }
    TryWrite(c);
  }

  void TryWrite(Conn& c) {
    if (c.sent == 0 && record_times_) c.start_ns = RealtimeNs();
    const size_t hl = c.head.size();
    const size_t total = hl + c.body_len;
    while (c.sent < total) {
      iovec iov[2];
      int n = 0;
      if (c.sent < hl) {
        iov[n++] = {c.head.data() + c.sent, hl - c.sent};
        if (c.body_len) iov[n++] = {const_cast<char*>(c.body), c.body_len};
      } else {
        iov[n++] = {const_cast<char*>(c.body) + (c.sent - hl), total - c.sent};
      }
      ssize_t w = writev(c.fd, iov, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) {
          WantOut(c, true);
          return;
        }
        // The server may have answered early (e.g. 403) and closed: read what it said.
        int e = errno;
        const int fd = c.fd;
        OnReadable(c);
        if (c.fd == fd && c.st == Conn::St::kWriting) ConnLost(c, std::string("write: ") + std::strerror(e));
        return;
      }
      c.sent += static_cast<size_t>(w);
    }
    WantOut(c, false);
    c.st = Conn::St::kReading;
  }

  void OnReadable(Conn& c) {
    for (;;) {
      ssize_t n = read(c.fd, rbuf_.get(), kReadBuf);
      if (n > 0) {
        if (!InFlight(c)) {
          Fail(c, "unexpected bytes from server on an idle connection");
          return;
        }
        Feed(c, rbuf_.get(), static_cast<size_t>(n));
        return;  // level-triggered: epoll reports again if more is there
      }
      if (n == 0) {
        if (!InFlight(c)) {
          CloseConn(c);
        } else if (c.headers_done && !c.chunked && c.content_length == kNoLength) {
          c.close_after = true;
          Complete(c);  // body delimited by EOF
        } else {
          ConnLost(c, "connection closed by server");
        }
        return;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      if (!InFlight(c)) {
        CloseConn(c);
      } else {
        ConnLost(c, std::string("read: ") + std::strerror(errno));
      }
      return;
    }
  }

  // The connection died under an op. A kept-alive connection that the server closed before it
  // answered anything gets the op resent once on a new one (as HTTP clients do); anything else
  // is an error.
  void ConnLost(Conn& c, const std::string& why) {
    if (!c.headers_done && c.hbuf.empty() && c.uses > 0 && !c.retried) {
      CloseConn(c);
      c.retried = true;
      c.sent = 0;
      ++stats_->retries;
      Send(c);
      return;
    }
    Fail(c, why + (c.headers_done || !c.hbuf.empty() ? " mid-response" : " before responding"));
  }

  static bool IEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
        return false;
    return true;
  }

  // Parses the status line and the few headers that matter. Returns false on garbage.
  bool ParseHead(Conn& c, std::string_view h) {
    // "HTTP/1.1 200 OK\r\n"
    if (h.size() < 12 || h.substr(0, 5) != "HTTP/") return false;
    size_t sp = h.find(' ');
    if (sp == std::string_view::npos || sp + 4 > h.size()) return false;
    c.status = 0;
    for (size_t i = sp + 1; i < sp + 4; ++i) {
      if (h[i] < '0' || h[i] > '9') return false;
      c.status = c.status * 10 + (h[i] - '0');
    }
    if (h.substr(0, 8) == "HTTP/1.0") c.close_after = true;
    size_t pos = h.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < h.size()) {
      size_t start = pos + 2;
      size_t end = h.find("\r\n", start);
      if (end == std::string_view::npos) end = h.size();
      std::string_view line = h.substr(start, end - start);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string_view name = line.substr(0, colon);
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        if (IEquals(name, "content-length")) {
          c.content_length = std::strtoull(std::string(value).c_str(), nullptr, 10);
        } else if (IEquals(name, "transfer-encoding")) {
          if (value.size() >= 7 && IEquals(value.substr(value.size() - 7), "chunked")) c.chunked = true;
        } else if (IEquals(name, "connection")) {
          if (IEquals(value, "close")) c.close_after = true;
        } else if (IEquals(name, "x-amz-function-error")) {
          c.function_error.assign(value);
        }
      }
      pos = end;
    }
    if (c.chunked) c.content_length = kNoLength;
    return true;
  }

  void Feed(Conn& c, const char* data, size_t n) {
    if (!c.headers_done) {
      size_t hdr_end;  // offset in data just past "\r\n\r\n"
      if (c.hbuf.empty()) {
        std::string_view v(data, n);
        size_t p = v.find("\r\n\r\n");
        if (p == std::string_view::npos) {
          c.hbuf.assign(data, n);
          if (c.hbuf.size() > 64 * 1024) Fail(c, "response header too large");
          return;
        }
        if (!ParseHead(c, v.substr(0, p + 2))) return Fail(c, "bad status line");
        hdr_end = p + 4;
      } else {
        size_t old = c.hbuf.size();
        c.hbuf.append(data, n);
        size_t p = c.hbuf.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
        if (p == std::string::npos) {
          if (c.hbuf.size() > 64 * 1024) Fail(c, "response header too large");
          return;
        }
        if (!ParseHead(c, std::string_view(c.hbuf).substr(0, p + 2))) return Fail(c, "bad status line");
        hdr_end = p + 4 - old;  // p + 4 > old since the old bytes had no terminator
      }
      c.headers_done = true;
      if (c.status >= 100 && c.status < 200) {
        // Interim response (100 Continue): skip it and parse the real one that follows.
        c.headers_done = false;
        c.hbuf.clear();
        c.status = 0;
        c.chunked = false;
        c.content_length = kNoLength;
        if (n > hdr_end) Feed(c, data + hdr_end, n - hdr_end);
        return;
      }
      data += hdr_end;
      n -= hdr_end;
      if (!c.chunked && c.content_length == kNoLength && c.kind == OpKind::kPut && c.status < 300 &&
          n == 0) {
        // No length on a PUT response: treat it as an empty body (HTTP/1.1 requires one or the
        // other; some servers omit it on 200 with no body).
        c.content_length = 0;
      }
    }
    if (c.chunked) return FeedChunked(c, data, n);
    if (c.content_length != kNoLength) {
      uint64_t left = c.content_length - c.body_got;
      if (n > left) return Fail(c, "more bytes than Content-Length (pipelining is not used)");
    }
    Body(c, data, n);
    if (c.content_length != kNoLength && c.body_got == c.content_length) Complete(c);
  }

  void Body(Conn& c, const char* data, size_t n) {
    if (n == 0) return;
    if (c.status < 200 || c.status >= 300 || !c.function_error.empty()) {
      if (c.err_body.size() < 600) c.err_body.append(data, std::min<size_t>(n, 600 - c.err_body.size()));
    } else if (c.kind == OpKind::kGet && opt_.verify && !c.body_mismatch) {
      const std::string& p = *sh_->payload;
      if (c.body_got + n > p.size() || std::memcmp(p.data() + c.body_got, data, n) != 0)
        c.body_mismatch = true;
    }
    c.body_got += n;
  }

  void FeedChunked(Conn& c, const char* data, size_t n) {
    size_t i = 0;
    while (i < n) {
      switch (c.ck) {
        case Conn::Ck::kSize: {
          char ch = data[i++];
          if (ch == '\n') {
            c.ck_left = std::strtoull(c.ck_line.c_str(), nullptr, 16);
            c.ck_line.clear();
            c.ck = c.ck_left == 0 ? Conn::Ck::kTrailer : Conn::Ck::kData;
          } else if (ch != '\r') {
            c.ck_line.push_back(ch);
            if (c.ck_line.size() > 256) return Fail(c, "bad chunk size line");
          }
          break;
        }
        case Conn::Ck::kData: {
          size_t take = std::min<uint64_t>(c.ck_left, n - i);
          Body(c, data + i, take);
          i += take;
          c.ck_left -= take;
          if (c.ck_left == 0) c.ck = Conn::Ck::kDataCrlf;
          break;
        }
        case Conn::Ck::kDataCrlf: {
          char ch = data[i++];
          if (ch == '\n') c.ck = Conn::Ck::kSize;
          break;
        }
        case Conn::Ck::kTrailer: {
          // Trailer lines until an empty line.
          char ch = data[i++];
          if (ch == '\n') {
            if (c.ck_line.empty()) {
              if (i != n) return Fail(c, "bytes after the chunked body");
              return Complete(c);
            }
            c.ck_line.clear();
          } else if (ch != '\r') {
            c.ck_line.push_back(ch);
          }
          break;
        }
      }
    }
  }

  void Complete(Conn& c) {
    const int64_t end_ns = record_times_ ? RealtimeNs() : 0;
    const bool early = c.sent < c.head.size() + c.body_len;  // answered before the body was sent
    if (early) c.close_after = true;
    const bool invoke = c.kind == OpKind::kInvoke;
    const bool ok_status = invoke ? c.status == (opt_.event_invocation ? 202 : 200)
                                  : c.status >= 200 && c.status < 300;
    const bool ok = ok_status && !early && !c.body_mismatch && c.function_error.empty() &&
                    (c.kind != OpKind::kGet || c.body_got == sh_->payload->size());
    auto now = Clock::now();
    if (record_times_ && phase_->record) stats_->times.push_back({c.key, c.start_ns, end_ns, ok});
    if (ok) {
      if (phase_->record) {
        ++stats_->ok;
        stats_->bytes += c.kind == OpKind::kGet ? c.body_got : c.body_len;
        stats_->lat_us.push_back(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(now - c.start).count()));
      }
    } else {
      std::string kind;
      if (!ok_status) kind = "HTTP " + std::to_string(c.status);
      else if (early) kind = "answered before the request body was sent";
      else if (!c.function_error.empty()) kind = "X-Amz-Function-Error: " + c.function_error;
      else if (c.body_mismatch) kind = "GET body differs from what was PUT";
      else kind = "GET body length " + std::to_string(c.body_got) + " != " + std::to_string(sh_->payload->size());
      RecordError(kind, c.err_body);
    }
    if (c.close_after) CloseConn(c);
    else ++c.uses;
    connect_failures_ = 0;
    MakeReady(c);
  }

  void RecordError(const std::string& kind, const std::string& detail) {
    ++stats_->errors;
    ++stats_->error_kinds[kind];
    if (stats_->error_kinds[kind] == 1 && stats_->samples.size() < 5) {  // one sample per kind
      std::string s = kind;
      if (!detail.empty()) s += ": " + detail.substr(0, 400);
      std::replace(s.begin(), s.end(), '\n', ' ');
      stats_->samples.push_back(s);
    }
  }

  void Fail(Conn& c, const std::string& why) {
    RecordError(why, "");
    CloseConn(c);
    if (InFlight(c)) MakeReady(c);
  }

  void CloseConn(Conn& c) {
    if (c.fd >= 0) {
      epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
      close(c.fd);
      c.fd = -1;
    }
    c.want_out = false;
  }

  static inline const std::string kEmptySha =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  static constexpr std::string_view kSignedHeaders = "host;x-amz-content-sha256;x-amz-date";

  Shared* sh_;
  const Options& opt_;
  const bool record_times_ = !opt_.timestamps_path.empty();
  Signer signer_;
  Sha256 sha_;
  std::string own_sha_;
  AmzDate date_;
  std::unique_ptr<char[]> rbuf_;
  int ep_ = -1;
  std::vector<Conn> conns_;
  Phase* phase_ = nullptr;
  Stats* stats_ = nullptr;
  int active_ = 0;             // connections not idle in this phase
  int connect_failures_ = 0;   // in a row
  std::vector<uint32_t> ready_;
  std::string path_, canon_headers_;
};

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// The parent and CPU seconds (user + system) of a process, from /proc/PID/stat.
bool ReadProcStat(int pid, int* ppid, double* cpu_secs) {
  static const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE* f = std::fopen(path, "r");
  if (f == nullptr) return false;
  char buf[1024];
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* p = std::strrchr(buf, ')');  // comm may hold spaces
  if (p == nullptr) return false;
  unsigned long long utime = 0, stime = 0;
  // After ") ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
  if (std::sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", ppid, &utime,
                  &stime) != 3)
    return false;
  *cpu_secs = static_cast<double>(utime + stime) / hz;
  return true;
}

// CPU seconds of each of the given processes and, with `descendants`, of every process below
// them (a function's sandboxes are the server's children). Gone processes are absent.
std::map<int, double> ProcCpu(const std::vector<int>& roots, bool descendants) {
  std::map<int, double> cpu;
  int ppid;
  double secs;
  if (!descendants) {
    for (int pid : roots)
      if (ReadProcStat(pid, &ppid, &secs)) cpu[pid] = secs;
    return cpu;
  }
  std::multimap<int, std::pair<int, double>> by_parent;
  std::map<int, double> all;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      const int pid = std::atoi(e->d_name);
      if (pid > 0 && ReadProcStat(pid, &ppid, &secs)) {
        by_parent.emplace(ppid, std::make_pair(pid, secs));
        all[pid] = secs;
      }
    }
    closedir(d);
  }
  std::vector<int> todo;
  for (int pid : roots)
    if (all.count(pid)) todo.push_back(pid);
  while (!todo.empty()) {
    const int pid = todo.back();
    todo.pop_back();
    if (!cpu.emplace(pid, all[pid]).second) continue;
    auto [b, e] = by_parent.equal_range(pid);
    for (auto it = b; it != e; ++it) todo.push_back(it->second.first);
  }
  return cpu;
}

// CPU seconds the processes used between two ProcCpu samples; ones born since count in full.
double CpuSince(const std::map<int, double>& before, const std::map<int, double>& after) {
  double total = 0;
  for (const auto& [pid, secs] : after) {
    auto it = before.find(pid);
    total += std::max(0.0, secs - (it == before.end() ? 0.0 : it->second));
  }
  return total;
}

// Busy CPU seconds of the whole machine (all cores), from /proc/stat; iowait counts as idle.
double MachineBusySeconds() {
  static const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  FILE* f = std::fopen("/proc/stat", "r");
  if (f == nullptr) return 0;
  unsigned long long v[8] = {0};
  int got = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                        &v[4], &v[5], &v[6], &v[7]);
  std::fclose(f);
  if (got < 8) return 0;
  // user nice system idle iowait irq softirq steal
  return static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / hz;
}

struct PhaseResult {
  Stats stats;
  double server_cpu_secs = 0;
  double machine_busy_secs = 0;
  double secs = 0;
  double cpu_secs = 0;
};

PhaseResult RunPhase(Shared* sh, std::vector<std::unique_ptr<Worker>>& workers, Phase* phase) {
  sh->phase = phase;
  PhaseResult r;
  std::vector<Stats> st(workers.size());
  const std::vector<int>& watch = sh->opt->watch_pids;
  const double cpu0 = CpuSeconds();
  const bool tree = sh->opt->watch_children;
  const std::map<int, double> server0 = ProcCpu(watch, tree);
  const double busy0 = MachineBusySeconds();
  auto t0 = Clock::now();
  if (workers.size() == 1) {
    workers[0]->RunPhase(&st[0]);
  } else {
    std::vector<std::thread> ts;
    for (size_t i = 0; i < workers.size(); ++i)
      ts.emplace_back([&, i] { workers[i]->RunPhase(&st[i]); });
    for (auto& t : ts) t.join();
  }
  r.secs = std::chrono::duration<double>(Clock::now() - t0).count();
  r.cpu_secs = CpuSeconds() - cpu0;
  r.machine_busy_secs = MachineBusySeconds() - busy0;
  if (!watch.empty()) r.server_cpu_secs = CpuSince(server0, ProcCpu(watch, tree));
  for (auto& s : st) r.stats.Merge(s);
  return r;
}

std::string JsonEscape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') { o.push_back('\\'); o.push_back(ch); }
    else if (c < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); o += b; }
    else o.push_back(ch);
  }
  return o;
}

void PrintErrors(const Stats& s, const char* what) {
  if (s.errors == 0) return;
  std::fprintf(stderr, "s3load: %s: %" PRIu64 " errors\n", what, s.errors);
  for (const auto& [k, v] : s.error_kinds) std::fprintf(stderr, "  %8" PRIu64 "  %s\n", v, k.c_str());
  for (const auto& x : s.samples) std::fprintf(stderr, "  sample: %s\n", x.c_str());
}

int SelfTest() {
  // The AWS S3 documentation's GetObject example (Signature Version 4, header auth).
  Signer s("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");
  const std::string empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const std::string& auth =
      s.Sign("GET", "/test.txt", "",
             "host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:" + empty +
                 "\nx-amz-date:20130524T000000Z\n",
             "host;range;x-amz-content-sha256;x-amz-date", empty, "20130524T000000Z");
  const std::string want =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
      "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
      "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
  Sha256 sha;
  bool ok1 = auth == want;
  bool ok2 = sha.Hex("") == empty;
  std::printf("sigv4 AWS example: %s\nsha256(\"\"): %s\n", ok1 ? "ok" : "MISMATCH", ok2 ? "ok" : "MISMATCH");
  if (!ok1) std::printf("  got  %s\n  want %s\n", auth.c_str(), want.c_str());
  // The AWS SigV4 test suite's get-vanilla, whose service is not s3 (as invoke's "lambda").
  Signer sv("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service");
  const std::string& auth3 = sv.Sign("GET", "/", "",
                                     "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n",
                                     "host;x-amz-date", empty, "20150830T123600Z");
  const std::string want3 =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=host;x-amz-date, "
      "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
  const bool ok3 = auth3 == want3;
  std::printf("sigv4 test suite get-vanilla (service \"service\"): %s\n", ok3 ? "ok" : "MISMATCH");
  if (!ok3) std::printf("  got  %s\n  want %s\n", auth3.c_str(), want3.c_str());
  ok1 = ok1 && ok3;
  // Cost of one request signature (canonical request + string to sign + HMAC).
  const int kN = 200000;
  AmzDate d;
  auto t0 = Clock::now();
  for (int i = 0; i < kN; ++i) {
    const std::string& date = d.Now();
    s.Sign("GET", "/bench/obj-12345", "",
           "host:127.0.0.1:9000\nx-amz-content-sha256:" + empty + "\nx-amz-date:" + date + "\n",
           "host;x-amz-content-sha256;x-amz-date", empty, date);
  }
  double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / kN;
  std::printf("one request signature: %.2f us\n", us);
  return ok1 && ok2 ? 0 : 1;
}

// CreateBucket over one blocking connection: 200, or 409 BucketAlreadyOwnedByYou, is success.
int CreateBucket(const Options& opt, const Shared& sh) {
  const std::string empty_sha = Sha256().Hex("");
  Signer signer(opt.access_key, opt.secret_key, opt.region);
  AmzDate d;
  std::string path = "/";
  AppendUriEncodedPath(opt.bucket, &path);
  const std::string date = d.Now();
  const std::string ch = "host:" + sh.host_header + "\nx-amz-content-sha256:" + empty_sha +
                         "\nx-amz-date:" + date + "\n";
  const std::string auth = signer.Sign("PUT", path, "", ch, "host;x-amz-content-sha256;x-amz-date",
                                       empty_sha, date);
  const std::string req = "PUT " + path + " HTTP/1.1\r\nHost: " + sh.host_header +
                          "\r\nx-amz-date: " + date + "\r\nx-amz-content-sha256: " + empty_sha +
                          "\r\nAuthorization: " + auth +
                          "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  int fd = socket(sh.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&sh.addr), sh.addr_len) != 0)
    Die("connect: %s", std::strerror(errno));
  if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) Die("write failed");
  std::string resp;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) resp.append(buf, static_cast<size_t>(n));
  close(fd);
  const int status = resp.size() > 12 ? std::atoi(resp.c_str() + 9) : 0;
  const bool ok = (status >= 200 && status < 300) ||
                  (status == 409 && resp.find("BucketAlreadyOwnedByYou") != std::string::npos);
  std::printf("CreateBucket %s: HTTP %d%s\n", opt.bucket.c_str(), status, ok ? "" : " (error)");
  if (!ok) std::fprintf(stderr, "%s\n", resp.substr(0, 1000).c_str());
  return ok ? 0 : 1;
}

// Every object's bytes: deterministic pseudo-random, the same in every run and every mode.
std::string ObjectPayload(uint64_t size) {
  std::string payload(size, '\0');
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i + 8 <= payload.size(); i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::memcpy(&payload[i], &x, 8);
  }
  for (size_t i = payload.size() & ~size_t{7}; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  return payload;
}

// mkfiles: the objects `get` would PUT in its set-up, written as DIR/BUCKET/PREFIX<N> for a
// static file server to answer the same GETs (the path of a GET is /BUCKET/PREFIX<N>).
int MakeFiles(const Options& opt) {
  if (opt.bucket.find('/') != std::string::npos || opt.prefix.find('/') != std::string::npos)
    Die("mkfiles: --bucket and --prefix must not contain '/'");
  const std::string payload = ObjectPayload(opt.size);
  std::string dir = opt.dir + "/" + opt.bucket;
  if (mkdir(opt.dir.c_str(), 0755) != 0 && errno != EEXIST) Die("mkdir %s: %s", opt.dir.c_str(), std::strerror(errno));
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) Die("mkdir %s: %s", dir.c_str(), std::strerror(errno));
  for (uint64_t k = 0; k < opt.keys; ++k) {
    const std::string path = dir + "/" + opt.prefix + std::to_string(k);
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) Die("cannot write %s: %s", path.c_str(), std::strerror(errno));
    if (std::fwrite(payload.data(), 1, payload.size(), f) != payload.size() || std::fclose(f) != 0)
      Die("cannot write %s", path.c_str());
  }
  std::printf("wrote %" PRIu64 " files of %" PRIu64 " bytes under %s\n", opt.keys, opt.size, dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Options opt = ParseOptions(argc, argv);
  if (opt.mode == Mode::kSelfTest) return SelfTest();
  if (opt.mode == Mode::kMkFiles) return MakeFiles(opt);

  Shared sh;
  sh.opt = &opt;
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int gai = getaddrinfo(opt.host.c_str(), opt.port.c_str(), &hints, &res);
  if (gai != 0 || res == nullptr) Die("cannot resolve %s:%s: %s", opt.host.c_str(), opt.port.c_str(), gai_strerror(gai));
  std::memcpy(&sh.addr, res->ai_addr, res->ai_addrlen);
  sh.addr_len = res->ai_addrlen;
  freeaddrinfo(res);
  sh.host_header = opt.port == "80" ? opt.host : opt.host + ":" + opt.port;

  if (opt.mode == Mode::kMkBucket) return CreateBucket(opt, sh);

  // One payload for every object, hashed once. An invoke's payload is the event given.
  std::string payload = ObjectPayload(opt.mode == Mode::kInvoke ? 0 : opt.size);
  if (opt.mode == Mode::kInvoke) {
    payload = opt.payload;
    opt.size = payload.size();
    sh.invoke_path = "/2015-03-31/functions/";
    AppendUriEncodedPath(opt.function, &sh.invoke_path);
    sh.invoke_path += "/invocations";
    AppendUriEncodedPath(sh.invoke_path, &sh.invoke_canonical_path);
    sh.payload_has_seq = payload.find("%SEQ%") != std::string::npos;
  }
  sh.payload = &payload;
  sh.payload_sha = Sha256().Hex(payload);

  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < opt.threads; ++t) {
    int n = opt.conns / opt.threads + (t < opt.conns % opt.threads ? 1 : 0);
    workers.push_back(std::make_unique<Worker>(&sh, n));
  }

  const OpKind kind = opt.mode == Mode::kPut      ? OpKind::kPut
                      : opt.mode == Mode::kInvoke ? OpKind::kInvoke
                                                  : OpKind::kGet;
  if (kind == OpKind::kGet && !opt.skip_setup) {
    Phase setup;
    setup.kind = OpKind::kPut;
    setup.limit = opt.keys;
    PhaseResult r = RunPhase(&sh, workers, &setup);
    if (r.stats.errors) {
      PrintErrors(r.stats, "setup (PUT of the objects to GET)");
      return 1;
    }
  }
  // Warmup PUTs with unique keys write far above the measured range (key_base), never over it.
  if (opt.warmup_s > 0) {
    Phase warm;
    warm.kind = kind;
    warm.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.warmup_s));
    warm.key_mod = opt.keys;
    warm.key_base = 1ull << 40;
    PhaseResult r = RunPhase(&sh, workers, &warm);
    if (r.stats.errors) PrintErrors(r.stats, "warmup");
  }
  Phase m;
  m.kind = kind;
  m.record = true;
  m.limit = opt.ops;
  if (opt.ops == 0)
    m.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.duration_s));
  m.key_mod = opt.keys;
  PhaseResult r = RunPhase(&sh, workers, &m);

  Stats& s = r.stats;
  if (!opt.timestamps_path.empty()) {
    FILE* f = std::fopen(opt.timestamps_path.c_str(), "w");
    if (f == nullptr) Die("cannot write %s: %s", opt.timestamps_path.c_str(), std::strerror(errno));
    std::sort(s.times.begin(), s.times.end(),
              [](const OpTimes& a, const OpTimes& b) { return a.start_ns < b.start_ns; });
    for (const OpTimes& t : s.times)
      std::fprintf(f, "%" PRIu64 " %" PRId64 " %" PRId64 " %d\n", t.key, t.start_ns, t.end_ns, t.ok ? 1 : 0);
    std::fclose(f);
  }
  std::sort(s.lat_us.begin(), s.lat_us.end());
  auto pct = [&](double p) -> double {
    if (s.lat_us.empty()) return 0;
    size_t i = static_cast<size_t>(p * static_cast<double>(s.lat_us.size() - 1) + 0.5);
    return s.lat_us[i] / 1000.0;
  };
  const double ops_s = static_cast<double>(s.ok) / r.secs;
  const double mb_s = static_cast<double>(s.bytes) / 1e6 / r.secs;
  const double cpu_pct = 100.0 * r.cpu_secs / r.secs;
  const double server_pct = 100.0 * r.server_cpu_secs / r.secs;
  const double machine_pct = 100.0 * r.machine_busy_secs / r.secs;
  // Everything else that ran meanwhile (other processes, kernel work not charged to either).
  const double other_pct = std::max(0.0, machine_pct - cpu_pct - server_pct);
  const char* mode = kind == OpKind::kPut ? "put" : kind == OpKind::kInvoke ? "invoke" : "get";
  if (opt.json) {
    std::string ek;
    for (const auto& [k, v] : s.error_kinds) {
      if (!ek.empty()) ek += ",";
      ek += "\"" + JsonEscape(k) + "\":" + std::to_string(v);
    }
    std::printf(
        "{\"label\":\"%s\",\"mode\":\"%s\",\"size\":%" PRIu64 ",\"conns\":%d,\"threads\":%d,"
        "\"ok\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"secs\":%.3f,\"ops_per_s\":%.1f,\"mb_per_s\":%.1f,"
        "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"connects\":%" PRIu64
        ",\"retries\":%" PRIu64 ",\"client_cpu_pct\":%.0f,\"server_cpu_pct\":%s,"
        "\"machine_cpu_pct\":%.0f,\"other_cpu_pct\":%s,\"error_kinds\":{%s}}\n",
        JsonEscape(opt.label).c_str(), mode, opt.size, opt.conns, opt.threads, s.ok, s.errors, r.secs,
        ops_s, mb_s, pct(0.5), pct(0.9), pct(0.99), pct(1.0), s.connects, s.retries, cpu_pct,
        opt.watch_pids.empty() ? "null" : std::to_string(static_cast<int>(server_pct + 0.5)).c_str(),
        machine_pct,
        opt.watch_pids.empty() ? "null" : std::to_string(static_cast<int>(other_pct + 0.5)).c_str(),
        ek.c_str());
  } else {
    std::printf(
        "%s%s%s size=%" PRIu64 " conns=%d: %" PRIu64 " ok in %.2f s = %.1f ops/s, %.1f MB/s; "
        "latency p50 %.3f ms p99 %.3f ms max %.3f ms; errors %" PRIu64 "; connects %" PRIu64
        "; retries %" PRIu64 "; cpu: client %.0f%%, machine %.0f%% of %ld cores\n",
        opt.label.c_str(), opt.label.empty() ? "" : " ", mode, opt.size, opt.conns, s.ok, r.secs,
        ops_s, mb_s, pct(0.5), pct(0.99), pct(1.0), s.errors, s.connects, s.retries, cpu_pct,
        machine_pct, sysconf(_SC_NPROCESSORS_ONLN));
    if (!opt.watch_pids.empty())
      std::printf("  server cpu %.0f%%, other %.0f%% (of one core)\n", server_pct, other_pct);
  }
  PrintErrors(s, "measured phase");
  std::fflush(stdout);
  return s.errors ? 1 : 0;
}
