%struct.S = type { i64, i64 }

declare void @flags() cold mustprogress nofree noinline norecurse nosync nounwind optnone willreturn

declare void @alignstack() alignstack(16)

declare void @uwtable_async() uwtable

declare void @uwtable_sync() uwtable(sync)

declare void @memory_none() memory(none)

declare void @memory_read() memory(read)

declare void @memory_argmem() memory(argmem: readwrite)

declare void @memory_mixed() memory(read, argmem: readwrite, inaccessiblemem: write)

declare void @memory_errno_target() memory(errnomem: write, target_mem1: read)

declare void @memory_all() memory(readwrite)

declare void @allockind() allockind("alloc,zeroed,aligned")

declare void @allockind_free() allockind("free")

declare void @vscale_range() vscale_range(1,16)

declare void @vscale_unbounded() vscale_range(2,0)

declare void @strings() "esc\22aped"="a\5Cb\0A" "key only" "no-trapping-math"="true" "target-cpu"="x86-64"

declare void @omitted() nounwind

declare noalias align 16 dereferenceable_or_null(64) ptr @my_calloc(i64, i64) allockind("alloc,zeroed") allocsize(0,1) "alloc-family"="malloc"

declare ptr @my_malloc(i64) allocsize(0)

declare void @params(ptr noalias sret(%struct.S) align 8, ptr byval(%struct.S) align 8, ptr byref(%struct.S), ptr nonnull readonly dereferenceable(16), i8 noundef zeroext, i32 inreg signext, ptr nest captures(none), ptr noundef captures(address, read_provenance), ptr dead_on_unwind writable captures(ret: address))

declare void @more_params(float nofpclass(nan inf), double nofpclass(all), ptr captures(address_is_null, ret: address, provenance), ptr preallocated(%struct.S), ptr inalloca(%struct.S))

declare ptr @llvm.preserve.array.access.index.p0.p0(ptr, i32 immarg, i32 immarg) nocallback nofree nosync nounwind willreturn memory(none)

define void @caller(ptr %0) nounwind memory(readwrite) uwtable "frame-pointer"="all" {
1:
  call void @params(ptr sret(%struct.S) align 8 %0, ptr byval(%struct.S) %0, ptr %0, ptr %0, i8 1, i32 2, ptr %0, ptr %0, ptr %0) nounwind "call-site"="yes"
  %2 = call ptr @llvm.preserve.array.access.index.p0.p0(ptr elementtype([4 x i32]) %0, i32 0, i32 1)
  %3 = call noalias noundef ptr @my_malloc(i64 8) allocsize(0)
  ret void
}
