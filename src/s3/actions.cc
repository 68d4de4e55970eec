// NotImplemented and MethodNotAllowed: what the dispatch table answers for a sub-resource S3
// has and evoke does not yet, and for a method a resource does not take.
#include "s3/actions.h"

namespace evoke::s3 {

Task<Status> NotImplemented(Context&) {
  co_return MakeError("NotImplemented",
                      "A header or query you provided implies functionality that is not "
                      "implemented.");
}

Task<Status> MethodNotAllowed(Context& ctx) {
  co_return MakeError("MethodNotAllowed",
                      "The specified method is not allowed against this resource.")
      .With("Method", ctx.req().method);
}

}  // namespace evoke::s3
