// echo: returns the event unchanged. The benchmarks' warm no-op invocation.
#include "evoke/lambda_runtime.h"

namespace lr = evoke::lambda_runtime;

int main() {
  return lr::RunHandler([](const lr::InvocationRequest& request) {
    return lr::InvocationResponse::Success(request.payload, "application/json");
  });
}
