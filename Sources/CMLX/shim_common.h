// What every C++ file of the shim shares: the array handle behind vx.h's opaque pointer, and the
// guard that turns any C++ exception into a status and a message for Swift.
#pragma once

#include <exception>
#include <string>

#include "mlx/mlx.h"
#include "vx.h"

struct vx_array_opaque {
    mlx::core::array value;
};

namespace vx_shim {

// Runs `body`, turning any exception into status 1 and a message (read with vx_last_error).
template <typename Body> int guarded(const char *name, Body &&body) {
    try {
        body();
        return 0;
    } catch (const std::exception &error) {
        vx_set_error((std::string(name) + ": " + error.what()).c_str());
    } catch (...) {
        vx_set_error((std::string(name) + ": unknown C++ exception").c_str());
    }
    return 1;
}

} // namespace vx_shim
