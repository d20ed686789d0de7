extension Camera {
    /// The two eyes of a stereo pair whose head is this camera: the same orientation and
    /// intrinsics, the left eye `ipd / 2` to the left (camera −x) and the right eye as far to
    /// the right. A point at depth `z` then lands `fx · ipd / z` pixels further right in the
    /// left image than in the right one.
    public func stereoPair(ipd: Float) -> (left: Camera, right: Camera) {
        func eye(_ offset: Float) -> Camera {
            var camera = self
            // x_eye = x_head − offset: the eye's centre sits at `offset` along the head's x axis.
            camera.worldToCamera.translation.x -= offset
            return camera
        }
        return (eye(-ipd / 2), eye(ipd / 2))
    }
}
