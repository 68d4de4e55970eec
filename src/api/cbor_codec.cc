#include "api/cbor_codec.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "base/encoding.h"

namespace evoke::api {
namespace {

using nlohmann::json;

Error Malformed(std::string what) {
  return MakeError("SerializationException", "Malformed CBOR body: " + std::move(what));
}

// Walks the item structure without recursion: lengths within the body, definite and
// indefinite containers closed, text strings UTF-8, nesting at most kMaxCborDepth, nothing
// after the item. nlohmann's reader then parses a body known to be shallow. It also records
// where tag heads are: nlohmann 3.11 reads no tag below 6 (tag 1 is a parse error whatever
// the tag handler), so DecodeCborInput cuts them out; what a tag wraps is a whole item.
Status PreScan(std::string_view body, std::vector<std::pair<size_t, size_t>>& tags) {
  const auto* p = reinterpret_cast<const uint8_t*>(body.data());
  const size_t n = body.size();
  size_t pos = 0;
  struct Frame {
    uint64_t remaining;  // items still expected (definite)
    bool indefinite;     // closed by 0xff instead
  };
  std::vector<Frame> open;
  open.push_back({1, false});  // the top-level item
  auto read_argument = [&](uint8_t info, uint64_t& value) -> bool {
    if (info < 24) {
      value = info;
      return true;
    }
    if (info > 27) return false;
    size_t size = size_t{1} << (info - 24);
    if (n - pos < size) return false;
    value = 0;
    for (size_t i = 0; i < size; ++i) value = value << 8 | p[pos++];
    return true;
  };
  auto skip_string = [&](uint8_t major, uint64_t length) -> Status {
    if (length > n - pos) return Malformed("a string runs past the end");
    if (major == 3 && !IsValidUtf8(body.substr(pos, length))) {
      return Malformed("a text string is not UTF-8");
    }
    pos += length;
    return {};
  };
  while (!open.empty()) {
    Frame& top = open.back();
    if (top.indefinite) {
      if (pos >= n) return Malformed("the body ends inside an item");
      if (p[pos] == 0xff) {
        ++pos;
        open.pop_back();
        continue;
      }
    } else {
      if (top.remaining == 0) {
        open.pop_back();
        continue;
      }
      --top.remaining;
    }
    if (pos >= n) return Malformed("the body ends inside an item");
    size_t head = pos;
    uint8_t initial = p[pos++];
    uint8_t major = initial >> 5;
    uint8_t info = initial & 0x1f;
    uint64_t argument = 0;
    if (info == 31) {
      if (major == 2 || major == 3) {  // chunks of the same major type, then 0xff
        while (true) {
          if (pos >= n) return Malformed("the body ends inside a string");
          uint8_t chunk = p[pos++];
          if (chunk == 0xff) break;
          if ((chunk >> 5) != major || (chunk & 0x1f) == 31 ||
              !read_argument(chunk & 0x1f, argument)) {
            return Malformed("a string chunk is invalid");
          }
          if (auto s = skip_string(major, argument); !s) return s;
        }
        continue;
      }
      if (major != 4 && major != 5) return Malformed("an indefinite length is invalid here");
      open.push_back({0, true});
    } else {
      if (!read_argument(info, argument)) return Malformed("an item head is invalid");
      switch (major) {
        case 0:
        case 1:
        case 7:
          break;
        case 2:
        case 3:
          if (auto s = skip_string(major, argument); !s) return s;
          break;
        case 4:
          if (argument > n - pos) return Malformed("an array is longer than the body");
          open.push_back({argument, false});
          break;
        case 5:
          if (argument > (n - pos) / 2) return Malformed("a map is longer than the body");
          open.push_back({argument * 2, false});
          break;
        case 6:  // a tag: one item follows
          tags.emplace_back(head, pos - head);
          open.push_back({1, false});
          break;
      }
    }
    if (open.size() > static_cast<size_t>(kMaxCborDepth) + 1) {
      return Malformed("nesting deeper than " + std::to_string(kMaxCborDepth));
    }
  }
  if (pos != n) return Malformed("bytes follow the top-level item");
  return {};
}

void AppendHead(std::string& out, uint8_t major, uint64_t value) {
  uint8_t m = static_cast<uint8_t>(major << 5);
  auto put = [&](int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>(value >> (8 * i) & 0xff);
  };
  if (value < 24) {
    out += static_cast<char>(m | value);
  } else if (value <= 0xff) {
    out += static_cast<char>(m | 24);
    put(1);
  } else if (value <= 0xffff) {
    out += static_cast<char>(m | 25);
    put(2);
  } else if (value <= 0xffffffff) {
    out += static_cast<char>(m | 26);
    put(4);
  } else {
    out += static_cast<char>(m | 27);
    put(8);
  }
}

void AppendDouble(std::string& out, double d) {
  out += static_cast<char>(0xfb);
  uint64_t bits = std::bit_cast<uint64_t>(d);
  for (int i = 7; i >= 0; --i) out += static_cast<char>(bits >> (8 * i) & 0xff);
}

void AppendText(std::string& out, std::string_view s) {
  AppendHead(out, 3, s.size());
  out += s;
}

void Append(std::string& out, const json& value) {
  switch (value.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      out += static_cast<char>(0xf6);
      break;
    case json::value_t::boolean:
      out += static_cast<char>(value.get<bool>() ? 0xf5 : 0xf4);
      break;
    case json::value_t::number_unsigned:
      AppendHead(out, 0, value.get<uint64_t>());
      break;
    case json::value_t::number_integer: {
      int64_t i = value.get<int64_t>();
      if (i >= 0) {
        AppendHead(out, 0, static_cast<uint64_t>(i));
      } else {
        AppendHead(out, 1, static_cast<uint64_t>(-1 - i));
      }
      break;
    }
    case json::value_t::number_float:
      AppendDouble(out, value.get<double>());
      break;
    case json::value_t::string:
      AppendText(out, value.get_ref<const std::string&>());
      break;
    case json::value_t::binary: {
      const auto& bytes = value.get_binary();
      if (bytes.has_subtype() && bytes.subtype() == kCborTimestampTag && bytes.size() == 8) {
        AppendHead(out, 6, kCborTimestampTag);
        out += static_cast<char>(0xfb);
        out.append(reinterpret_cast<const char*>(bytes.data()), 8);
        break;
      }
      if (bytes.has_subtype()) AppendHead(out, 6, bytes.subtype());
      AppendHead(out, 2, bytes.size());
      out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      break;
    }
    case json::value_t::array:
      AppendHead(out, 4, value.size());
      for (const json& element : value) Append(out, element);
      break;
    case json::value_t::object: {
      uint64_t present = 0;
      for (const auto& [key, member] : value.items()) present += member.is_null() ? 0 : 1;
      AppendHead(out, 5, present);
      for (const auto& [key, member] : value.items()) {
        if (member.is_null()) continue;
        AppendText(out, key);
        Append(out, member);
      }
      break;
    }
  }
}

}  // namespace

Result<json> DecodeCborInput(std::string_view body) {
  if (body.empty()) return json::object();
  std::vector<std::pair<size_t, size_t>> tags;
  if (auto s = PreScan(body, tags); !s) return std::move(s).error();
  std::string untagged;
  if (!tags.empty()) {
    untagged.reserve(body.size());
    size_t from = 0;
    for (const auto& [at, size] : tags) {
      untagged.append(body.substr(from, at - from));
      from = at + size;
    }
    untagged.append(body.substr(from));
    body = untagged;
  }
  json doc;
  try {
    doc = json::from_cbor(body, /*strict=*/true, /*allow_exceptions=*/false,
                          json::cbor_tag_handler_t::ignore);
  } catch (const json::exception& e) {  // allow_exceptions=false should prevent this
    return Malformed(e.what());
  }
  if (doc.is_discarded()) return Malformed("an item nlohmann::json cannot read");
  if (!doc.is_object()) return MakeError("SerializationException", "The body must be a CBOR map.");
  return doc;
}

json CborTimestamp(double epoch_seconds) {
  uint64_t bits = std::bit_cast<uint64_t>(epoch_seconds);
  std::vector<uint8_t> bytes(8);
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(bits >> (8 * (7 - i)));
  return json::binary(std::move(bytes), kCborTimestampTag);
}

std::string EncodeCborOutput(const json& doc) {
  std::string out;
  Append(out, doc);
  return out;
}

std::string EncodeCborError(const Error& error) {
  json body = json::object();
  body["__type"] = error.code;
  body["message"] = error.message;
  for (const auto& [name, value] : error.details) body[name] = value;
  return EncodeCborOutput(body);
}

}  // namespace evoke::api
