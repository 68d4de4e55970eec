// throw: a handler that throws std::runtime_error; the runtime reports it as a function error
// (errorType "std::runtime_error") and keeps serving.
#include <stdexcept>

#include "evoke/lambda_runtime.h"

namespace lr = evoke::lambda_runtime;

int main() {
  return lr::RunHandler([](const lr::InvocationRequest&) -> lr::InvocationResponse {
    throw std::runtime_error("this function always throws");
  });
}
