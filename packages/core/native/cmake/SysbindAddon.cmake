# The addon setup every @sysbind native package shares, included by its CMakeLists.txt.
# @sysbind/core/cmake-js runs every build of a native package and passes SYSBIND_CORE_NATIVE_DIR
# (this folder's parent, resolved from wherever @sysbind/core is installed), so a package
# installed on its own from its tarball finds this file and the C++ helpers next to it.
include_guard(GLOBAL)

# sysbind_addon_options(DOC <text> FLAVORS <default> <other>...)
#   SYSBIND_FLAVOR, which build to make (the first flavor is the default), refused when it is not
#   one of FLAVORS; SYSBIND_SANITIZE, an ASan + UBSan instrumented build for the sanitizer job.
#   Also C++17 without extensions, as every addon source is written against it.
macro(sysbind_addon_options)
  cmake_parse_arguments(SYSBIND_OPTIONS "" "DOC" "FLAVORS" ${ARGN})
  list(GET SYSBIND_OPTIONS_FLAVORS 0 SYSBIND_DEFAULT_FLAVOR)
  set(SYSBIND_FLAVOR "${SYSBIND_DEFAULT_FLAVOR}" CACHE STRING "${SYSBIND_OPTIONS_DOC}")
  set_property(CACHE SYSBIND_FLAVOR PROPERTY STRINGS ${SYSBIND_OPTIONS_FLAVORS})
  if(NOT SYSBIND_FLAVOR IN_LIST SYSBIND_OPTIONS_FLAVORS)
    list(JOIN SYSBIND_OPTIONS_FLAVORS ", " SYSBIND_FLAVOR_CHOICES)
    message(FATAL_ERROR "SYSBIND_FLAVOR must be one of ${SYSBIND_FLAVOR_CHOICES}, not '${SYSBIND_FLAVOR}'")
  endif()
  option(SYSBIND_SANITIZE "Instrument with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

  set(CMAKE_CXX_STANDARD 17)
  set(CMAKE_CXX_STANDARD_REQUIRED ON)
  set(CMAKE_CXX_EXTENSIONS OFF)
endmacro()

# sysbind_sanitize(<target>): with SYSBIND_SANITIZE, ASan + UBSan on <target>, every UBSan
# finding fatal (the sanitizer job counts reports, and a recovered one would be missed), with
# frame pointers and debug info so that reports name the lines.
function(sysbind_sanitize target)
  if(SYSBIND_SANITIZE)
    set(flags -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_compile_options(${target} PRIVATE ${flags} -g -O1)
    target_link_options(${target} PRIVATE ${flags})
  endif()
endfunction()

# sysbind_add_addon(<target> <file name> <sources>...): the .node module <file name>.node of the
# current SYSBIND_FLAVOR, built from <sources> against Node-API version 8 with node-addon-api.
#   NAPI_CPP_EXCEPTIONS: errors travel as C++ exceptions (Napi::Error) up to the JS entry point.
#   NODE_ADDON_API_CPP_EXCEPTIONS_ALL: any other C++ exception (std::bad_alloc, std::system_error)
#     that reaches a JS entry point becomes a JS error instead of terminating the process.
#   NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: a call that fails because a worker is being
#     terminated becomes a C++ exception the binding catches, instead of a fatal error
#     (node-addon-api cannot build the JS error then, and would abort the process).
#   NODE_ADDON_API_DISABLE_DEPRECATED: nothing deprecated creeps back in.
#   SYSBIND_FLAVOR_NAME: the flavor as a string, which the addon exports as `flavor`.
# The sim flavor adds native/sim (a shim of the C library whose calls the @sysbind/testing-fakes
# simulator answers) with its mirror headers in native/sim/include ahead of the system's, and
# SYSBIND_SIM; warnings are errors there, since CI builds that flavor on every change.
function(sysbind_add_addon target file_name)
  add_library(${target} SHARED ${ARGN} ${CMAKE_JS_SRC})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${file_name} PREFIX "" SUFFIX ".node")
  target_include_directories(${target} PRIVATE ${CMAKE_JS_INC} "${SYSBIND_CORE_NATIVE_DIR}/include")
  target_compile_definitions(
    ${target} PRIVATE NAPI_VERSION=8 NAPI_CPP_EXCEPTIONS NODE_ADDON_API_CPP_EXCEPTIONS_ALL
                      NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS NODE_ADDON_API_DISABLE_DEPRECATED
                      SYSBIND_FLAVOR_NAME="${SYSBIND_FLAVOR}")
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  target_link_libraries(${target} PRIVATE ${CMAKE_JS_LIB})
  if(SYSBIND_FLAVOR STREQUAL "sim")
    file(GLOB shim_sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/native/sim/*.cc")
    target_sources(${target} PRIVATE ${shim_sources})
    target_include_directories(${target} BEFORE PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/native/sim/include")
    target_compile_definitions(${target} PRIVATE SYSBIND_SIM=1)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  sysbind_sanitize(${target})
endfunction()
