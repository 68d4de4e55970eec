// The S3 error table: every error code S3 answers with and its HTTP status (the pipeline renders
// S3's XML error document, api/xml_codec.h). Codes are spelled as AWS spells them.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace evoke::s3 {

// Every error code S3 answers with and its HTTP status.
struct ErrorStatusEntry {
  std::string_view code;
  int status;
};
std::span<const ErrorStatusEntry> ErrorStatuses();
// HTTP status for an S3 error code; 500 for codes not in the table.
int StatusForError(std::string_view code);

// The store's errors (store/errors.h) as S3 spells them: NoSuchBucket, NoSuchKey, NoSuchUpload,
// BucketAlreadyOwnedByYou, BucketNotEmpty; others unchanged.
Error S3Error(Error error);
// NoSuchUpload, with S3's message.
Error NoSuchUpload(std::string_view upload_id);

}  // namespace evoke::s3
