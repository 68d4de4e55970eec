// fail: answers every invocation with a function error of type "MyError".
#include "evoke/lambda_runtime.h"

namespace lr = evoke::lambda_runtime;

int main() {
  return lr::RunHandler([](const lr::InvocationRequest&) {
    return lr::InvocationResponse::Failure("this function always fails", "MyError");
  });
}
