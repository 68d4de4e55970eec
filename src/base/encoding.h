// Byte encodings used across evoke: hex, base64, AWS-style URI encoding, form encoding and
// XML escaping. Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace evoke {

std::string HexEncode(std::span<const uint8_t> bytes);
inline std::string HexEncode(std::string_view bytes) {
  return HexEncode(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}
// Accepts upper and lower case; nullopt on odd length or a non-hex digit.
std::optional<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);
inline std::string Base64Encode(std::span<const uint8_t> bytes) {
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}
// Strict: padding required, no whitespace; nullopt on anything else.
std::optional<std::string> Base64Decode(std::string_view text);

// RFC 3986 encoding as SigV4 defines it: unreserved characters (A-Z a-z 0-9 - _ . ~) stay,
// everything else becomes %XX with upper-case hex; '/' stays when keep_slash is set.
std::string UriEncode(std::string_view s, bool keep_slash);
// Decodes %XX escapes; '+' becomes a space when plus_is_space. nullopt on a bad escape.
std::optional<std::string> UriDecode(std::string_view s, bool plus_is_space);
// application/x-www-form-urlencoded as Java's URLEncoder and S3 event records spell it:
// space becomes '+', and A-Z a-z 0-9 . - * _ stay.
std::string FormEncode(std::string_view s);

// Escapes text for an XML element or attribute. Characters XML 1.0 cannot carry are written
// as numeric references so that clients see them rather than a broken document.
std::string XmlEscape(std::string_view s);
void AppendXmlEscaped(std::string& out, std::string_view s);

bool IsValidUtf8(std::string_view s);

}  // namespace evoke

namespace evoke {
// Appends s as the inside of a JSON string literal (no quotes), escaping what JSON requires.
void AppendJsonEscaped(std::string& out, std::string_view s);
}  // namespace evoke
