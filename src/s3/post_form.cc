#include "s3/post_form.h"

#include <algorithm>

#include "http/message.h"

namespace evoke::s3 {
namespace {

constexpr size_t kMaxPartHeaders = 8 * 1024;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool BoundaryChar(char c) {
  // RFC 2046 bchars.
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// The parameters of a header value after its first element: `; name="file"; filename="a b"`.
// A backslash is an ordinary character: browsers send a Windows path's as it is and escape a
// quote as %22 (WHATWG multipart/form-data encoding). False when a quote is not closed.
bool ParseParams(std::string_view rest, std::vector<std::pair<std::string, std::string>>& out) {
  while (!rest.empty()) {
    rest = Trim(rest);
    if (rest.empty()) break;
    if (rest.front() == ';') {
      rest.remove_prefix(1);
      continue;
    }
    size_t eq = rest.find_first_of("=;");
    if (eq == std::string_view::npos || rest[eq] == ';') {  // a bare token: skip it
      rest.remove_prefix(eq == std::string_view::npos ? rest.size() : eq);
      continue;
    }
    std::string name = http::ToLower(Trim(rest.substr(0, eq)));
    rest.remove_prefix(eq + 1);
    rest = Trim(rest);
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      size_t i = 1;
      bool closed = false;
      for (; i < rest.size(); ++i) {
        if (rest[i] == '"') {
          closed = true;
          break;
        }
        value += rest[i];
      }
      if (!closed) return false;
      rest.remove_prefix(i + 1);
    } else {
      size_t end = rest.find(';');
      value = std::string(Trim(rest.substr(0, end)));
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

}  // namespace

bool IsFormData(std::string_view content_type) {
  return http::ToLower(Trim(content_type.substr(0, content_type.find(';')))) ==
         "multipart/form-data";
}

std::optional<std::string> FormBoundary(std::string_view content_type) {
  size_t semi = content_type.find(';');
  if (!IsFormData(content_type) || semi == std::string_view::npos) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> params;
  if (!ParseParams(content_type.substr(semi), params)) return std::nullopt;
  for (const auto& [name, value] : params) {
    if (name != "boundary") continue;
    if (value.empty() || value.size() > 70 || value.back() == ' ' ||
        !std::all_of(value.begin(), value.end(), BoundaryChar)) {
      return std::nullopt;
    }
    return value;
  }
  return std::nullopt;
}

Error MalformedPostError() {
  return MakeError("MalformedPOSTRequest",
                   "The body of your POST request is not well-formed multipart/form-data.");
}

// The body starts with the boundary itself; with a CRLF in front, every boundary is the same
// delimiter.
FormParser::FormParser(std::string boundary) : delimiter_("\r\n--" + boundary), buffer_("\r\n") {}

Status FormParser::Feed(std::string_view data, Sink& sink) {
  if (state_ == State::kEpilogue) return {};
  buffer_.append(data);
  for (bool progressed = true; progressed;) {
    progressed = false;
    Status s = Step(sink, &progressed);
    if (!s.ok()) return s;
  }
  return {};
}

Status FormParser::Finish() {
  if (state_ != State::kEpilogue) return MalformedPostError();
  if (!file_seen_) {
    return MakeError("InvalidArgument", "POST requires exactly one file upload per request.")
        .With("ArgumentName", "file")
        .With("ArgumentValue", "0");
  }
  return {};
}

// One step of the state machine over buffer_; sets *progressed when it consumed something and
// may go on.
Status FormParser::Step(Sink& sink, bool* progressed) {
  auto too_much_before_file = [this] {
    return MakeError("MaxPostPreDataLengthExceeded",
                     "Your POST request fields preceeding the upload file was too large.")
        .With("MaxPostPreDataLengthBytes", std::to_string(kMaxPostPreData));
  };
  switch (state_) {
    case State::kPreamble:
    case State::kField:
    case State::kFile:
    case State::kIgnored: {
      size_t at = buffer_.find(delimiter_);
      // Without a delimiter, all but a possible partial delimiter at the end is content.
      size_t content = at != std::string::npos
                           ? at
                           : buffer_.size() - std::min(buffer_.size(), delimiter_.size() - 1);
      std::string_view bytes(buffer_.data(), content);
      if (state_ != State::kFile && state_ != State::kIgnored) {
        pre_data_ += bytes.size();
        if (pre_data_ > kMaxPostPreData) return too_much_before_file();
      }
      if (state_ == State::kField) field_value_.append(bytes);
      if (state_ == State::kFile && !bytes.empty()) {
        Status s = sink.OnFileData(bytes);
        if (!s.ok()) return s;
      }
      if (at == std::string::npos) {
        buffer_.erase(0, content);
        return {};
      }
      buffer_.erase(0, at + delimiter_.size());
      if (state_ == State::kField) {
        Status s = sink.OnField(std::move(field_name_), std::move(field_value_));
        if (!s.ok()) return s;
        field_name_.clear();
        field_value_.clear();
      } else if (state_ == State::kFile) {
        Status s = sink.OnFileEnd();
        if (!s.ok()) return s;
      }
      state_ = State::kAfterBoundary;
      *progressed = true;
      return {};
    }
    case State::kAfterBoundary: {
      // Transport padding (RFC 2046) may follow a boundary; a little of it.
      size_t pad = 0;
      while (pad < buffer_.size() && (buffer_[pad] == ' ' || buffer_[pad] == '\t')) ++pad;
      padding_ += pad;
      if (padding_ > 64) return MalformedPostError();
      buffer_.erase(0, pad);
      if (buffer_.size() < 2) return {};
      padding_ = 0;
      if (buffer_.compare(0, 2, "--") == 0) {
        state_ = State::kEpilogue;
        buffer_.clear();
        return {};
      }
      if (buffer_.compare(0, 2, "\r\n") != 0) return MalformedPostError();
      buffer_.erase(0, 2);
      state_ = State::kHeaders;
      *progressed = true;
      return {};
    }
    case State::kHeaders: {
      size_t end = buffer_.starts_with("\r\n") ? 0 : buffer_.find("\r\n\r\n");
      if (end == std::string::npos) {
        // Headers of the largest size allowed, and all but the last byte of their end.
        if (buffer_.size() > kMaxPartHeaders + 3) return MalformedPostError();
        return {};
      }
      if (end > kMaxPartHeaders) return MalformedPostError();
      std::string headers = buffer_.substr(0, end);
      buffer_.erase(0, end == 0 ? 2 : end + 4);
      if (!file_seen_) {
        pre_data_ += end + 4;
        if (pre_data_ > kMaxPostPreData) return too_much_before_file();
      }
      Status s = StartPart(headers, sink);
      if (!s.ok()) return s;
      *progressed = true;
      return {};
    }
    case State::kEpilogue:
      buffer_.clear();
      return {};
  }
  return {};
}

// A part's headers: its name from Content-Disposition, and for the file its filename and type.
Status FormParser::StartPart(std::string_view headers, Sink& sink) {
  std::optional<std::string> name;
  FilePart file;
  while (!headers.empty()) {
    size_t eol = headers.find("\r\n");
    std::string_view line = headers.substr(0, eol);
    headers.remove_prefix(eol == std::string_view::npos ? headers.size() : eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return MalformedPostError();
    std::string header = http::ToLower(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (header == "content-type") {
      file.content_type = std::string(value);
    } else if (header == "content-disposition") {
      size_t semi = value.find(';');
      if (http::ToLower(Trim(value.substr(0, semi))) != "form-data") return MalformedPostError();
      std::vector<std::pair<std::string, std::string>> params;
      if (semi != std::string_view::npos && !ParseParams(value.substr(semi), params)) {
        return MalformedPostError();
      }
      for (auto& [k, v] : params) {
        if (k == "name") name = std::move(v);
        if (k == "filename") file.filename = std::move(v);
      }
    }
  }
  if (!name) return MalformedPostError();
  if (file_seen_) {
    state_ = State::kIgnored;
  } else if (http::ToLower(*name) == "file") {
    file_seen_ = true;
    file.field_name = std::move(*name);
    Status s = sink.OnFileStart(file);
    if (!s.ok()) return s;
    state_ = State::kFile;
  } else {
    field_name_ = std::move(*name);
    state_ = State::kField;
  }
  return {};
}

}  // namespace evoke::s3
