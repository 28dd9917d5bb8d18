; Calls abort(): the process ends with SIGABRT.
declare void @abort()

define i32 @main() {
  call void @abort()
  unreachable
}
