# ASan + UBSan for the whole build (our code and the tests), used by the `asan` preset.
if(ORDERFLOW_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer coverage + ASan + UBSan for every library of the fuzz tree; the fuzz targets add
# -fsanitize=fuzzer at link time (fuzz/CMakeLists.txt), which brings libFuzzer's main().
if(ORDERFLOW_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ORDERFLOW_FUZZ needs clang (the `fuzz` preset uses clang++-14)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
