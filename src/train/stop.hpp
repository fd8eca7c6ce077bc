// The process-wide stop request behind request_stop(): set from a signal handler, read
// by the training loop after every batch.
#pragma once

namespace hourglass {

bool stop_was_requested();
/// Clears a request left by an earlier training.
void reset_stop_request();

}  // namespace hourglass
