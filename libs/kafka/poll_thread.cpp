#include "kafka/poll_thread.h"

#include "common/guarded_thread.h"

namespace orderflow::kafka {

PollThread::PollThread(std::string name, rd_kafka_t* handle, std::chrono::milliseconds step)
    : thread_(common::guarded(std::move(name), [this, handle, step] {
          while (!stop_) {
              rd_kafka_poll(handle, static_cast<int>(step.count()));
          }
      })) {}

PollThread::~PollThread() {
    stop();
}

void PollThread::stop() {
    stop_ = true;
    if (thread_.joinable()) {
        thread_.join();
    }
}

}  // namespace orderflow::kafka
