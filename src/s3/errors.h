// The S3 error table: every error code S3 answers with, its HTTP status, and the XML error
// document. Codes are spelled as AWS spells them.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace evoke::s3 {

// HTTP status for an S3 error code; 500 for codes not in the table.
int StatusForError(std::string_view code);
bool IsKnownError(std::string_view code);

// <Error><Code/><Message/>[details]<Resource/><RequestId/><HostId/></Error>
std::string RenderErrorXml(const Error& error, std::string_view resource,
                           std::string_view request_id, std::string_view host_id);

}  // namespace evoke::s3
