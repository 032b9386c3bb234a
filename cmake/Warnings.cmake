# Warnings for orderflow's own targets only; third-party headers come in as SYSTEM.
function(orderflow_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wshadow -Wimplicit-fallthrough -Wnon-virtual-dtor -Wold-style-cast
    -Woverloaded-virtual -Wformat=2)
  if(ORDERFLOW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
