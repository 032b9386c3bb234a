# ASan + UBSan for the whole build (our code and the tests), used by the `asan` preset.
if(ORDERFLOW_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
