# orderflow_library(NAME SOURCES ... DEPS ...) -> static library `orderflow_NAME`, alias
# `orderflow::NAME`, headers included as "NAME/file.h" from the libs/ or services/ folder above it.
function(orderflow_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(orderflow_${name} STATIC ${ARG_SOURCES})
  add_library(orderflow::${name} ALIAS orderflow_${name})
  get_filename_component(parent "${CMAKE_CURRENT_SOURCE_DIR}" DIRECTORY)
  target_include_directories(orderflow_${name} PUBLIC "${parent}")
  target_link_libraries(orderflow_${name} PUBLIC ${ARG_DEPS})
  orderflow_set_warnings(orderflow_${name})
endfunction()
