// The body of a browser's form upload (S3 POST Object): multipart/form-data (RFC 7578), parsed
// as it streams. The fields before the file part are collected whole (S3 limits them to
// 20 KiB); the file's bytes are handed on piece by piece, never held; whatever follows the file
// is read and ignored, as S3 ignores it. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace evoke::s3 {

// Whether a Content-Type is multipart/form-data, whatever its parameters.
bool IsFormData(std::string_view content_type);
// The boundary of a "multipart/form-data; boundary=..." Content-Type; nullopt for any other
// type, or no boundary, or one RFC 2046 does not allow.
std::optional<std::string> FormBoundary(std::string_view content_type);

// What S3 answers for a body that is not well-formed multipart/form-data.
Error MalformedPostError();

// S3's limit on the form data before the file.
inline constexpr size_t kMaxPostPreData = 20 * 1024;

class FormParser {
 public:
  struct FilePart {
    std::string field_name;  // as sent ("file")
    std::string filename;    // the filename parameter; may be empty
    std::string content_type;
  };
  // What a call to Feed found, in order.
  struct Sink {
    virtual ~Sink() = default;
    // A field before the file: its name as sent, and its value.
    virtual Status OnField(std::string name, std::string value) = 0;
    // The file part starts: every field is known.
    virtual Status OnFileStart(const FilePart& part) = 0;
    virtual Status OnFileData(std::string_view data) = 0;
    // The file part is complete.
    virtual Status OnFileEnd() = 0;
  };

  explicit FormParser(std::string boundary);

  // Parses the next bytes of the body; the sink's first error, or MalformedPOSTRequest.
  Status Feed(std::string_view data, Sink& sink);
  // The body ended: MalformedPOSTRequest unless the closing boundary came; InvalidArgument when
  // no file part did.
  Status Finish();

 private:
  enum class State { kPreamble, kAfterBoundary, kHeaders, kField, kFile, kIgnored, kEpilogue };
  Status Step(Sink& sink, bool* progressed);
  Status StartPart(std::string_view headers, Sink& sink);

  std::string delimiter_;  // "\r\n--" + boundary
  State state_ = State::kPreamble;
  std::string buffer_;     // bytes not yet consumed
  std::string field_name_;
  std::string field_value_;
  size_t pre_data_ = 0;    // bytes of the form before the file
  size_t padding_ = 0;     // transport padding after the current boundary
  bool file_seen_ = false;
};

}  // namespace evoke::s3
